using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SfOAuthGen.Testing;

/// <summary>What counts as a secret, placeholder syntax, fake values, masking and leak detection.</summary>
internal static partial class SecretRules
{
    public const string Mask = "***";

    /// <summary>Form fields, query parameters and JSON properties whose values are secrets.</summary>
    public static readonly HashSet<string> FieldNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "client_secret", "refresh_token", "access_token", "signature", "assertion", "code",
        "code_verifier", "id_token", "token", "client_assertion",

        // Session ids under the names Salesforce's SOAP login, frontdoor.jsp and older clients use.
        "sessionId", "sid", "session_id", "oauth_token",
    };

    /// <summary>
    /// Salesforce credentials recognisable by shape wherever they appear (XML, form-encoded or JSON bodies, query strings,
    /// headers, cookies): an access token is the 15- or 18-character org id <c>00D…</c>, <c>!</c> (raw or <c>%21</c>),
    /// then an opaque payload; a refresh token starts <c>5Aep</c>. Deliberately looser than SALESFORCE.md's shapes:
    /// redacting a look-alike costs nothing, missing a real token leaks it.
    /// </summary>
    [GeneratedRegex(@"00D[0-9A-Za-z]{12,15}(?:!|%21)[0-9A-Za-z._]{16,}|5Aep[0-9A-Za-z._]{40,}(?:==|%3[Dd]%3[Dd])?", RegexOptions.CultureInvariant)]
    private static partial Regex TokenShapeRegex();

    // A placeholder is "{{secret:NAME}}", NAME of ASCII letters, digits, '_', '.' and '-' (NameLength).
    private const string PlaceholderOpen = "{{secret:";
    private const string PlaceholderClose = "}}";

    public static bool IsValidName(string name) => name.Length > 0 && NameLength(name) == name.Length;

    /// <summary>
    /// How many characters at the start of <paramref name="text"/> may be part of a placeholder name. A plain loop, not a
    /// regex or SearchValues: this runs for every placeholder while a cassette loads and compiles, names are a few characters
    /// long, and both of those are JIT-compiled (vectorized generic code) the first time a process uses them.
    /// </summary>
    private static int NameLength(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-'))
        {
            i++;
        }

        return i;
    }

    public static bool ContainsPlaceholder(string value) => FindPlaceholder(value, 0, out _) >= 0;

    /// <summary>
    /// The first placeholder (<c>{{secret:NAME}}</c>) at or after <paramref name="start"/>: its index and
    /// <paramref name="length"/>, or -1. A scan, not a regex: this runs for every pattern and body while a server compiles
    /// its cassette, where a regex's JIT-compiled runner cost more than the scan.
    /// </summary>
    public static int FindPlaceholder(string text, int start, out int length)
    {
        var from = start;
        while (from <= text.Length - PlaceholderOpen.Length)
        {
            var at = text.IndexOf(PlaceholderOpen, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            var rest = text.AsSpan(at + PlaceholderOpen.Length);
            var nameLength = NameLength(rest);
            if (nameLength > 0 && rest[nameLength..].StartsWith(PlaceholderClose, StringComparison.Ordinal))
            {
                length = PlaceholderOpen.Length + nameLength + PlaceholderClose.Length;
                return at;
            }

            from = at + 1;
        }

        length = 0;
        return -1;
    }

    /// <summary>The name inside a placeholder found by <see cref="FindPlaceholder"/>.</summary>
    public static string PlaceholderName(string text, int index, int length) =>
        text.Substring(index + PlaceholderOpen.Length, length - PlaceholderOpen.Length - PlaceholderClose.Length);

    /// <summary>Each placeholder of <paramref name="text"/> replaced by <paramref name="value"/> of its name, left to right.</summary>
    public static string ReplacePlaceholders(string text, Func<string, string> value)
    {
        var at = FindPlaceholder(text, 0, out var length);
        if (at < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var position = 0;
        for (; at >= 0; at = FindPlaceholder(text, position, out length))
        {
            result.Append(text, position, at - position).Append(value(PlaceholderName(text, at, length)));
            position = at + length;
        }

        return result.Append(text, position, text.Length - position).ToString();
    }

    public static bool IsSecretField(string name) => FieldNames.Contains(name);

    /// <summary>A deterministic fake of the shape Salesforce uses for the kind of secret the name suggests.</summary>
    public static string FakeValue(string name)
    {
        if (name.Contains("access_token", StringComparison.OrdinalIgnoreCase))
        {
            return "00DFAKE" + Alphanumeric(name, 8) + "!AQFAKE" + Alphanumeric(name + "/", 60);
        }

        if (name.Contains("refresh_token", StringComparison.OrdinalIgnoreCase))
        {
            return "5Aep861FAKE" + Alphanumeric(name, 76);
        }

        if (name.Contains("signature", StringComparison.OrdinalIgnoreCase))
        {
            return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        }

        return "FAKE_" + Alphanumeric(name, 24);
    }

    private static string Alphanumeric(string seed, int length)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var builder = new StringBuilder(length);
        var block = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        while (builder.Length < length)
        {
            foreach (var b in block)
            {
                if (builder.Length == length)
                {
                    break;
                }

                builder.Append(Alphabet[b % Alphabet.Length]);
            }

            block = SHA256.HashData(block);
        }

        return builder.ToString();
    }

    /// <summary>Masks a value for display: secret-named fields, and any value equal to a held secret.</summary>
    public static string MaskValue(string field, string value, IReadOnlyCollection<string> heldSecrets)
    {
        if (IsSecretField(field) && !IsOnlyPlaceholder(value))
        {
            return Mask;
        }

        return MaskHeld(value, heldSecrets);
    }

    /// <summary>Masks a header for display: an Authorization-like header keeps only its scheme, cookies only their names.</summary>
    public static string MaskHeader(string name, string value, IReadOnlyCollection<string> heldSecrets)
    {
        if (IsCookieHeader(name))
        {
            return MaskCookies(name, value, heldSecrets);
        }

        if (IsSecretHeader(name))
        {
            if (ContainsPlaceholder(value) && !ReplacePlaceholders(value, _ => string.Empty).Trim().Contains(' '))
            {
                return value; // a pattern such as "Bearer {{secret:access_token}}" holds no secret
            }

            var space = value.IndexOf(' ');
            return space > 0 ? value[..space] + " " + Mask : Mask;
        }

        return MaskHeld(value, heldSecrets);
    }

    /// <summary>Every credential in <paramref name="text"/> recognisable by its shape, decoded (an escaped <c>!</c> or <c>=</c> restored).</summary>
    public static IEnumerable<string> FindTokens(string text)
    {
        if (!MayContainToken(text))
        {
            yield break;
        }

        foreach (Match match in TokenShapeRegex().Matches(text))
        {
            yield return match.Value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(match.Value) : match.Value;
        }
    }

    /// <summary>Replaces every credential recognisable by its shape with <see cref="Mask"/>.</summary>
    public static string MaskTokens(string text) => MayContainToken(text) ? TokenShapeRegex().Replace(text, Mask) : text;

    private static bool MayContainToken(string text) =>
        text.Contains("00D", StringComparison.Ordinal) || text.Contains("5Aep", StringComparison.Ordinal);

    public static bool IsCookieHeader(string name) =>
        name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) || name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase);

    /// <summary>Headers whose whole value is a credential whatever it looks like (e.g. <c>X-SFDC-Session</c>).</summary>
    public static bool IsSecretHeader(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Contains("session", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase);

    /// <summary>Keeps each cookie's name (and a Set-Cookie's attributes) and masks its value: cookies carry sessions.</summary>
    private static string MaskCookies(string name, string value, IReadOnlyCollection<string> heldSecrets)
    {
        if (IsOnlyPlaceholder(value))
        {
            return value;
        }

        var parts = value.Split(';');
        // "Cookie: a=1; b=2" carries several cookies; "Set-Cookie: a=1; Path=/" one cookie and its attributes.
        var cookieCount = name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? 1 : parts.Length;
        for (var i = 0; i < cookieCount; i++)
        {
            var equals = parts[i].IndexOf('=');
            if (equals >= 0 && !ContainsPlaceholder(parts[i]))
            {
                parts[i] = parts[i][..(equals + 1)] + Mask;
            }
        }

        return MaskHeld(string.Join(';', parts), heldSecrets);
    }

    private static bool IsOnlyPlaceholder(string value) => ContainsPlaceholder(value) && ReplacePlaceholders(value, _ => string.Empty).Length == 0;

    private static string MaskHeld(string value, IReadOnlyCollection<string> heldSecrets)
    {
        value = MaskTokens(value);
        foreach (var secret in heldSecrets)
        {
            if (secret.Length > 0 && value.Contains(secret, StringComparison.Ordinal))
            {
                value = value.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return value;
    }

    /// <summary>Every way a secret might be written down: raw, URL-encoded, <c>+</c>-encoded, JSON-escaped, Base64 at any alignment.</summary>
    public static IEnumerable<(string Encoding, string Text)> Encodings(string secret)
    {
        yield return ("raw", secret);
        yield return ("URL-encoded", Uri.EscapeDataString(secret));
        yield return ("form-encoded", System.Net.WebUtility.UrlEncode(secret));
        yield return ("form-encoded (lower-case hex)", System.Web.HttpUtility.UrlEncode(secret));
        yield return ("JSON-escaped", JsonEncodedText.Encode(secret).ToString());
        yield return ("JSON-escaped", JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString());
        var bytes = Encoding.UTF8.GetBytes(secret);
        for (var shift = 0; shift < 3; shift++)
        {
            // Base64 of a secret embedded in a longer value (e.g. Basic "id:secret") depends on its alignment:
            // encode it at each of the three offsets and keep only the characters its bytes alone determine.
            var padded = new byte[shift + bytes.Length];
            bytes.CopyTo(padded, shift);
            var full = Convert.ToBase64String(padded);
            var start = shift == 0 ? 0 : 4;
            var end = (padded.Length / 3) * 4;
            if (end - start >= 6)
            {
                var stable = full[start..end];
                yield return ("Base64", stable);
                yield return ("Base64url", stable.Replace('+', '-').Replace('/', '_'));
            }
        }
    }
}
