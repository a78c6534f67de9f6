using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing;

// The writer: properties in ordinal order and defaults left out, so a cassette that is loaded and saved again is
// byte for byte the same file and a re-recording shows only real changes in review.
internal static partial class CassetteJson
{
    private static readonly JsonWriterOptions Indented = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // files are reviewed, never embedded in HTML
    };

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Cassette cassette)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Indented))
        {
            w.WriteStartObject();
            if (cassette.Description is not null)
            {
                w.WriteString("description", cassette.Description);
            }

            w.WriteStartArray("interactions");
            foreach (var interaction in cassette.Interactions)
            {
                WriteInteraction(w, interaction);
            }

            w.WriteEndArray();
            WriteMap(w, "placeholders", cassette.Placeholders);
            w.WriteNumber("version", Cassette.FormatVersion);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    /// <summary>Compact JSON with sorted keys: the bytes a response body is served as.</summary>
    public static byte[] SerializeBody(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            WriteSorted(w, node);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteInteraction(Utf8JsonWriter w, Interaction interaction)
    {
        w.WriteStartObject();
        if (interaction.Fault is { } fault)
        {
            WriteFault(w, fault);
        }

        if (interaction.Name is not null)
        {
            w.WriteString("name", interaction.Name);
        }

        WriteRepeat(w, interaction.Times);
        WriteRequest(w, interaction.Request);
        WriteResponse(w, interaction.Response);
        w.WriteEndObject();
    }

    private static void WriteFault(Utf8JsonWriter w, Fault fault)
    {
        w.WriteStartObject("fault");
        if (fault.Bytes != 0)
        {
            w.WriteNumber("bytes", fault.Bytes);
        }

        if (fault.Delay != TimeSpan.Zero)
        {
            w.WriteNumber("delayMs", (long)fault.Delay.TotalMilliseconds);
        }

        w.WriteString("kind", FaultName(fault.Kind));
        w.WriteEndObject();
    }

    /// <summary>Once is the default and is left out; without limit is <c>true</c>, any other count a number.</summary>
    private static void WriteRepeat(Utf8JsonWriter w, int times)
    {
        if (times == Interaction.Unlimited)
        {
            w.WriteBoolean("repeat", true);
        }
        else if (times != 1)
        {
            w.WriteNumber("repeat", times);
        }
    }

    private static void WriteRequest(Utf8JsonWriter w, RequestPattern request)
    {
        w.WriteStartObject("request");
        WriteMap(w, "form", request.Form);
        WriteMap(w, "headers", request.Headers);
        WriteJson(w, request.Json);
        w.WriteString("method", request.Method);
        w.WriteString("path", request.Path);
        WriteMap(w, "query", request.Query);
        w.WriteEndObject();
    }

    private static void WriteResponse(Utf8JsonWriter w, ResponseTemplate response)
    {
        w.WriteStartObject("response");
        WriteMap(w, "headers", response.Headers);
        WriteJson(w, response.Json);
        w.WriteNumber("status", response.Status);
        if (response.Text is not null)
        {
            w.WriteString("text", response.Text);
        }

        w.WriteEndObject();
    }

    private static void WriteJson(Utf8JsonWriter w, JsonNode? json)
    {
        if (json is not null)
        {
            w.WritePropertyName("json");
            WriteSorted(w, json);
        }
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return;
        }

        w.WriteStartObject(name);
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    private static void WriteSorted(Utf8JsonWriter w, JsonNode? node)
    {
        switch (node)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonObject o:
                w.WriteStartObject();
                foreach (var key in SortedKeys(o))
                {
                    w.WritePropertyName(key);
                    WriteSorted(w, o[key]);
                }

                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var item in a)
                {
                    WriteSorted(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                node.WriteTo(w);
                break;
        }
    }

    /// <summary>
    /// The object's keys in ordinal order. A sorted string array rather than LINQ's OrderBy over the key-value pairs: this
    /// runs while a server compiles its cassette, and OrderBy over a struct element type is JIT-compiled on first use.
    /// </summary>
    private static string[] SortedKeys(JsonObject o)
    {
        var keys = new string[o.Count];
        var i = 0;
        foreach (var property in o)
        {
            keys[i++] = property.Key;
        }

        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }
}
