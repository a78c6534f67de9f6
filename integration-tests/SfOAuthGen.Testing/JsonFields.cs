using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing;

/// <summary>
/// A JSON document as a flat map of leaf paths (<c>a.b</c>, <c>items[0].id</c>) to values, so JSON bodies are matched
/// and described like form fields: strings by their decoded text, other leaves by their JSON text.
/// </summary>
internal static class JsonFields
{
    public static Dictionary<string, string> Flatten(JsonNode? node)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(node, string.Empty, fields);
        return fields;
    }

    public static Dictionary<string, string>? TryParse(byte[] body)
    {
        try
        {
            return Flatten(JsonNode.Parse(body));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The last property name of a path (<c>password</c> for <c>credentials.password</c>), for the secret-name rules.</summary>
    public static string LeafName(string path)
    {
        var start = path.LastIndexOf('.') + 1;
        var end = path.IndexOf('[', start);
        return end < 0 ? path[start..] : path[start..end];
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> fields)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    Walk(value, path.Length == 0 ? key : path + "." + key, fields);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", fields);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                fields.TryAdd(path, value.GetValue<string>());
                break;
            default:
                fields.TryAdd(path, node?.ToJsonString() ?? "null");
                break;
        }
    }
}
