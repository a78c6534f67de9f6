using System.Text;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing;

/// <summary>Naming and replacing secrets in fields, JSON bodies, headers and cookies.</summary>
internal sealed partial class Recorder
{
    /// <summary>Names the secret parts of a response header: each cookie's value, or the whole value of a session-like header.</summary>
    private static void NameHeader(string name, string value, Placeholders names)
    {
        if (SecretRules.IsCookieHeader(name))
        {
            foreach (var (cookie, cookieValue) in Cookies(name, value))
            {
                if (cookieValue.Length > 0)
                {
                    names.NameOf(CookieKind(cookie), cookieValue);
                }
            }
        }
        else if (SecretRules.IsSecretHeader(name) && value.Length > 0)
        {
            names.NameOf(HeaderKind(name), value);
        }
    }

    private static string RedactHeader(string name, string value, Placeholders names)
    {
        if (SecretRules.IsCookieHeader(name))
        {
            var text = value;
            foreach (var (cookie, cookieValue) in Cookies(name, value))
            {
                if (cookieValue.Length > 0)
                {
                    text = text.Replace(cookie + "=" + cookieValue, cookie + "=" + Placeholder.Secret(names.NameOf(CookieKind(cookie), cookieValue)), StringComparison.Ordinal);
                }
            }

            return names.Redact(text);
        }

        return SecretRules.IsSecretHeader(name) && value.Length > 0 ? Placeholder.Secret(names.NameOf(HeaderKind(name), value)) : names.Redact(value);
    }

    /// <summary>The name=value pairs of a Cookie header, or the one cookie of a Set-Cookie header (its attributes are not cookies).</summary>
    private static IEnumerable<(string Name, string Value)> Cookies(string header, string value)
    {
        var parts = value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var count = header.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? Math.Min(1, parts.Length) : parts.Length;
        for (var i = 0; i < count; i++)
        {
            var equals = parts[i].IndexOf('=');
            if (equals > 0)
            {
                yield return (parts[i][..equals], parts[i][(equals + 1)..]);
            }
        }
    }

    private static string CookieKind(string cookie) => "cookie_" + SafeName(cookie);

    private static string HeaderKind(string header) => "header_" + SafeName(header);

    private static string SafeName(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? char.ToLowerInvariant(c) : '_');
        }

        return builder.Length == 0 ? "value" : builder.ToString();
    }

    private static string? BearerToken(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;

    private static void NameFields(Dictionary<string, string> fields, Placeholders names)
    {
        foreach (var (field, value) in fields)
        {
            if (SecretRules.IsSecretField(field) && value.Length > 0)
            {
                names.NameOf(field.ToLowerInvariant(), value);
            }
        }
    }

    private static void RedactFields(Dictionary<string, string> fields, IDictionary<string, string> into, Placeholders names)
    {
        foreach (var (field, value) in fields)
        {
            into[field] = SecretRules.IsSecretField(field) && value.Length > 0
                ? Placeholder.Secret(names.NameOf(field.ToLowerInvariant(), value))
                : names.Redact(value);
        }
    }

    private static void NameJson(JsonNode node, Placeholders names)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                if (SecretRules.IsSecretField(key) && value is JsonValue v && v.TryGetValue<string>(out var secret) && secret.Length > 0)
                {
                    names.NameOf(key.ToLowerInvariant(), secret);
                }
                else if (value is not null)
                {
                    NameJson(value, names);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is not null)
                {
                    NameJson(item, names);
                }
            }
        }
    }

    private static void RedactJson(JsonNode node, Placeholders names)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).ToList())
            {
                var value = obj[key];
                if (value is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    if (key == "signature" && obj.ContainsKey("id") && obj.ContainsKey("issued_at"))
                    {
                        obj[key] = CompiledInteraction.SignaturePlaceholder; // replay signs what it serves
                        continue;
                    }

                    obj[key] = SecretRules.IsSecretField(key) && text.Length > 0
                        ? Placeholder.Secret(names.NameOf(key.ToLowerInvariant(), text))
                        : names.Redact(text);
                }
                else if (value is not null)
                {
                    RedactJson(value, names);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    array[i] = names.Redact(text);
                }
                else if (array[i] is { } child)
                {
                    RedactJson(child, names);
                }
            }
        }
    }
}
