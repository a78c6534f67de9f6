using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SfOAuthGen.IntegrationTests.Infrastructure;

/// <summary>Searches text for secret values in every encoding they could travel in.</summary>
internal static class SecretScan
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Names each (secret, encoding) found in <paramref name="text"/>; never the value itself.</summary>
    public static List<string> Find(string text, IEnumerable<(string Name, string Value)> secrets, string? clientId = null)
    {
        var found = new List<string>();
        foreach (var (name, value) in secrets)
        {
            foreach (var (encoding, encoded) in Encodings(value, clientId))
            {
                if (encoded.Length >= 4 && text.Contains(encoded, StringComparison.Ordinal))
                {
                    found.Add($"{name} ({encoding})");
                }
            }
        }

        return found;
    }

    public static void AssertNone(string text, IEnumerable<(string Name, string Value)> secrets, string? clientId = null, string where = "output")
    {
        var found = Find(text, secrets, clientId);
        Assert.True(found.Count == 0, $"{where} holds {string.Join(", ", found)}");
    }

    private static IEnumerable<(string Encoding, string Value)> Encodings(string value, string? clientId)
    {
        yield return ("raw", value);
        var escaped = Uri.EscapeDataString(value);
        yield return ("URL-encoded", escaped);
        yield return ("URL-encoded, lower-case hex", LowerHex(escaped));
        yield return ("form-encoded", WebUtility.UrlEncode(value));
        yield return ("JSON-escaped", JsonSerializer.Serialize(value)[1..^1]);
        yield return ("JSON-escaped, relaxed", JsonSerializer.Serialize(value, Relaxed)[1..^1]);
        var bytes = Encoding.UTF8.GetBytes(value);
        yield return ("Base64", Convert.ToBase64String(bytes).TrimEnd('='));
        yield return ("Base64url", Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        if (clientId is not null)
        {
            yield return ("Basic credentials", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + value)).TrimEnd('='));
        }
    }

    private static string LowerHex(string escaped)
    {
        var text = new StringBuilder(escaped);
        for (var i = 0; i + 2 < text.Length; i++)
        {
            if (text[i] == '%')
            {
                text[i + 1] = char.ToLowerInvariant(text[i + 1]);
                text[i + 2] = char.ToLowerInvariant(text[i + 2]);
            }
        }

        return text.ToString();
    }
}
