using System;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace SfOAuthGen.Generator;

/// <summary>
/// A generated file whose characters are all ASCII, held as one byte per character. The driver keeps every generated file
/// until the end of the run (and an IDE for as long as the compilation lives): held as a string, an org's ~6,300-character
/// file took 12.6 KB, and at 1,000 orgs those ~13 MB survived the run's gen-0 and gen-1 collections and were copied by
/// each. Reading it back (the compiler's lexer copies it out in chunks) widens the bytes, which .NET vectorizes.
/// </summary>
internal sealed class AsciiSourceText : SourceText
{
    private readonly byte[] _bytes;

    private AsciiSourceText(byte[] bytes)
    {
        _bytes = bytes;
    }

    /// <summary>The encoding <see cref="SourceText.From(string, Encoding?, SourceHashAlgorithm)"/> got before, so checksums are unchanged.</summary>
    public override Encoding Encoding => Encoding.UTF8;

    public override int Length => _bytes.Length;

    public override char this[int position] => (char)_bytes[position];

    /// <summary>
    /// The text of <paramref name="chars"/>' first <paramref name="length"/> characters: ASCII ones as bytes, anything else
    /// (a non-ASCII org key or URL) as an ordinary string-backed text.
    /// </summary>
    public static SourceText From(char[] chars, int length)
    {
        // Every non-ASCII character takes two bytes or more in UTF-8, so equal counts mean all ASCII (both calls are vectorized).
        if (Encoding.UTF8.GetByteCount(chars, 0, length) != length)
        {
            return SourceText.From(new string(chars, 0, length), Encoding.UTF8);
        }

        return new AsciiSourceText(Encoding.ASCII.GetBytes(chars, 0, length));
    }

    public override void CopyTo(int sourceIndex, char[] destination, int destinationIndex, int count) =>
        Encoding.ASCII.GetChars(_bytes, sourceIndex, count, destination, destinationIndex);

    public override string ToString(TextSpan span)
    {
        if (span.End > _bytes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(span));
        }

        return Encoding.ASCII.GetString(_bytes, span.Start, span.Length);
    }
}
