using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis.Text;

namespace SfOAuthGen.Generator.Parsing;

/// <summary>The JSON kinds the manifest distinguishes.</summary>
internal enum ManifestValueKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// A JSON value of the manifest with its span in the file (in characters, so it maps straight to a line and column).
/// Reusable by analyzers that live in this assembly.
/// </summary>
internal sealed class ManifestValue
{
    private static readonly IReadOnlyList<ManifestProperty> NoProperties = Array.Empty<ManifestProperty>();
    private static readonly IReadOnlyList<ManifestValue> NoItems = Array.Empty<ManifestValue>();

    public ManifestValue(ManifestValueKind kind, TextSpan span, string? text, IReadOnlyList<ManifestProperty>? properties = null, IReadOnlyList<ManifestValue>? items = null)
    {
        Kind = kind;
        Span = span;
        Text = text;
        Properties = properties ?? NoProperties;
        Items = items ?? NoItems;
    }

    public ManifestValueKind Kind { get; }

    /// <summary>From the first character of the value to its last (quotes and braces included).</summary>
    public TextSpan Span { get; }

    /// <summary>The unescaped string, or the number as written; null for other kinds.</summary>
    public string? Text { get; }

    /// <summary>An object's properties in document order (duplicates kept).</summary>
    public IReadOnlyList<ManifestProperty> Properties { get; }

    public IReadOnlyList<ManifestValue> Items { get; }

    /// <summary>How the kind reads in a message: "a string", "a number", "an object".</summary>
    public string KindDescription => Kind switch
    {
        ManifestValueKind.Object => "an object",
        ManifestValueKind.Array => "an array",
        ManifestValueKind.String => "a string",
        ManifestValueKind.Number => "a number",
        ManifestValueKind.Null => "null",
        _ => "a boolean",
    };
}

/// <summary>A property of a JSON object: its name, the name's span (quotes included), and its value.</summary>
internal sealed class ManifestProperty(string name, TextSpan nameSpan, ManifestValue value)
{
    public string Name { get; } = name;

    public TextSpan NameSpan { get; } = nameSpan;

    public ManifestValue Value { get; } = value;
}

/// <summary>The outcome of reading JSON text: a root value, or the first syntax error and where it is.</summary>
internal sealed class ManifestJsonResult
{
    public ManifestJsonResult(ManifestValue? root, string? error, TextSpan errorSpan)
    {
        Root = root;
        Error = error;
        ErrorSpan = errorSpan;
    }

    public ManifestValue? Root { get; }

    public string? Error { get; }

    public TextSpan ErrorSpan { get; }
}

/// <summary>
/// Reads JSON (comments and trailing commas allowed) with <see cref="Utf8JsonReader"/> into <see cref="ManifestValue"/>s,
/// translating the reader's byte offsets into character offsets of the <see cref="SourceText"/>.
/// </summary>
internal static class ManifestJson
{
    private const int MaxDepth = 64;

    public static ManifestJsonResult Read(SourceText text)
    {
        var content = text.ToString();
        if (content.Length > 0 && content[0] == '\uFEFF')
        {
            // A byte-order mark the decoder left in: the reader rejects it, and a space keeps every offset the same.
            content = " " + content.Substring(1);
        }

        var offsets = new Utf8Offsets(content);
        var reader = new Utf8JsonReader(offsets.Bytes, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = MaxDepth,
        });

        try
        {
            if (!reader.Read())
            {
                return new ManifestJsonResult(null, "the file is empty", new TextSpan(0, 0));
            }

            var root = ReadValue(ref reader, offsets);
            if (reader.Read())
            {
                // Utf8JsonReader normally throws here first; kept so the rule holds whatever the reader does.
                return new ManifestJsonResult(null, "more than one value at the top level", offsets.Span(reader.TokenStartIndex, 1));
            }

            return new ManifestJsonResult(root, null, default);
        }
        catch (JsonException exception)
        {
            var position = offsets.ByteOffsetOf(exception.LineNumber ?? 0, exception.BytePositionInLine ?? 0);
            return new ManifestJsonResult(null, Describe(exception), offsets.Span(position, 0));
        }
        catch (InvalidOperationException)
        {
            // GetString refuses escapes that are not valid UTF-16 (a lone \uD800, say).
            return new ManifestJsonResult(null, "a string holds an invalid escape sequence", offsets.Span(reader.TokenStartIndex, 0));
        }
    }

    private static ManifestValue ReadValue(ref Utf8JsonReader reader, Utf8Offsets offsets)
    {
        var start = reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var properties = new List<ManifestProperty>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString() ?? string.Empty;
                    var nameSpan = offsets.Span(reader.TokenStartIndex, reader.ValueSpan.Length + 2);
                    reader.Read();
                    properties.Add(new ManifestProperty(name, nameSpan, ReadValue(ref reader, offsets)));
                }

                return new ManifestValue(ManifestValueKind.Object, offsets.Span(start, reader.TokenStartIndex + 1 - start), null, properties);

            case JsonTokenType.StartArray:
                var items = new List<ManifestValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, offsets));
                }

                return new ManifestValue(ManifestValueKind.Array, offsets.Span(start, reader.TokenStartIndex + 1 - start), null, items: items);

            case JsonTokenType.String:
                return new ManifestValue(ManifestValueKind.String, offsets.Span(start, reader.ValueSpan.Length + 2), reader.GetString());

            case JsonTokenType.Number:
                return new ManifestValue(ManifestValueKind.Number, offsets.Span(start, reader.ValueSpan.Length), Encoding.UTF8.GetString(reader.ValueSpan.ToArray()));

            case JsonTokenType.True:
                return new ManifestValue(ManifestValueKind.True, offsets.Span(start, 4), null);

            case JsonTokenType.False:
                return new ManifestValue(ManifestValueKind.False, offsets.Span(start, 5), null);

            default:
                return new ManifestValue(ManifestValueKind.Null, offsets.Span(start, 4), null);
        }
    }

    /// <summary>The reader's message minus its "LineNumber: … | BytePositionInLine: …" suffix (we report the position ourselves).</summary>
    private static string Describe(JsonException exception)
    {
        var message = exception.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            message = message.Substring(0, suffix);
        }

        message = message.Trim();
        return message.Length == 0 ? "the JSON reader stopped here" : message.TrimEnd('.');
    }

    /// <summary>UTF-8 bytes of the text and a map from byte offset to character offset.</summary>
    private sealed class Utf8Offsets
    {
        // Null when the text is ASCII (one byte per character, the usual manifest): offsets are then the same, and a
        // manifest of 1,000 orgs skips an int per byte (~1.8 MB, a large-object allocation that invites gen-2 collections).
        private readonly int[]? _charAtByte;
        private readonly List<int> _lineStartBytes = new() { 0 };

        public Utf8Offsets(string content)
        {
            Bytes = Encoding.UTF8.GetBytes(content);
            Length = content.Length;
            _charAtByte = Bytes.Length == content.Length ? null : new int[Bytes.Length + 1];
            var b = 0;
            for (var c = 0; c < content.Length; c++)
            {
                int width;
                var ch = content[c];
                if (char.IsHighSurrogate(ch) && c + 1 < content.Length && char.IsLowSurrogate(content[c + 1]))
                {
                    width = 4;
                }
                else if (ch < 0x80)
                {
                    width = 1;
                }
                else if (ch < 0x800)
                {
                    width = 2;
                }
                else
                {
                    width = 3; // includes lone surrogates, which the encoder replaces with U+FFFD
                }

                for (var i = 0; _charAtByte is not null && i < width && b + i < _charAtByte.Length; i++)
                {
                    _charAtByte[b + i] = c;
                }

                if (ch == '\n')
                {
                    _lineStartBytes.Add(b + 1);
                }

                b += width;
                if (width == 4)
                {
                    c++;
                }
            }

            if (_charAtByte is not null)
            {
                _charAtByte[Bytes.Length] = content.Length;
            }
        }

        public byte[] Bytes { get; }

        private int Length { get; }

        public int ByteOffsetOf(long line, long bytePositionInLine)
        {
            var lineIndex = (int)Math.Max(0, Math.Min(line, _lineStartBytes.Count - 1));
            var offset = _lineStartBytes[lineIndex] + Math.Max(0, bytePositionInLine);
            return (int)Math.Min(offset, Bytes.Length);
        }

        public TextSpan Span(long startByte, long byteLength)
        {
            var start = CharAt(startByte);
            var end = CharAt(startByte + Math.Max(0, byteLength));
            return TextSpan.FromBounds(start, Math.Max(start, end));
        }

        private int CharAt(long byteOffset)
        {
            if (byteOffset <= 0)
            {
                return 0;
            }

            return byteOffset >= Bytes.Length ? Length : _charAtByte?[byteOffset] ?? (int)byteOffset;
        }
    }
}
