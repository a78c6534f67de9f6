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
    };

    [GeneratedRegex(@"\{\{secret:([A-Za-z0-9_.\-]+)\}\}", RegexOptions.CultureInvariant)]
    public static partial Regex PlaceholderRegex();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    public static bool IsValidName(string name) => NameRegex().IsMatch(name);

    public static bool ContainsPlaceholder(string value) => value.Contains("{{secret:", StringComparison.Ordinal) && PlaceholderRegex().IsMatch(value);

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

    /// <summary>Masks an Authorization-like header, keeping only its scheme.</summary>
    public static string MaskHeader(string name, string value, IReadOnlyCollection<string> heldSecrets)
    {
        if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
        {
            if (ContainsPlaceholder(value) && !PlaceholderRegex().Replace(value, string.Empty).Trim().Contains(' '))
            {
                return value; // a pattern such as "Bearer {{secret:access_token}}" holds no secret
            }

            var space = value.IndexOf(' ');
            return space > 0 ? value[..space] + " " + Mask : Mask;
        }

        return MaskHeld(value, heldSecrets);
    }

    private static bool IsOnlyPlaceholder(string value) => ContainsPlaceholder(value) && PlaceholderRegex().Replace(value, string.Empty).Length == 0;

    private static string MaskHeld(string value, IReadOnlyCollection<string> heldSecrets)
    {
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
