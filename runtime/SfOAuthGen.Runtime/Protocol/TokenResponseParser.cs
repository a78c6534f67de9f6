using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SfOAuthGen.Runtime;

/// <summary>Turns the token endpoint's JSON into a <see cref="SalesforceToken"/> or a <see cref="SalesforceAuthException"/>.</summary>
internal static class TokenResponseParser
{
    // Below this, issued_at is seconds: 10^11 seconds is the year 5138, 10^11 milliseconds is 1973.
    private const long MillisecondsThreshold = 100_000_000_000;

    /// <summary>Parses a 2xx body.</summary>
    /// <remarks>
    /// <c>expiresAt</c> is the local receipt time plus the session lifetime. Receipt time rather than <c>issued_at</c>:
    /// Salesforce's clock and ours may disagree, and expiry is compared with our clock.
    /// </remarks>
    public static SalesforceToken ParseSuccess(
        string body, string orgName, SalesforceFlow flow, HttpStatusCode status, DateTimeOffset expiresAt, string? clientSecret, bool verifySignature)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new SalesforceAuthException(
                orgName, flow, null, "the token endpoint's response is not valid JSON (truncated or not JSON)", status, isTransient: true, "Try again later.", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(orgName, flow, status, "the token endpoint's response is not a JSON object");
            }

            var accessToken = GetString(root, "access_token");
            var instanceUrlText = GetString(root, "instance_url");
            if (string.IsNullOrEmpty(accessToken) || string.IsNullOrEmpty(instanceUrlText))
            {
                var missing = string.IsNullOrEmpty(accessToken) ? "access_token" : "instance_url";
                throw Invalid(orgName, flow, status, $"the token endpoint's response has no {missing}");
            }

            if (!Uri.TryCreate(instanceUrlText, UriKind.Absolute, out var instanceUrl) || !TransportSecurity.IsAllowed(instanceUrl))
            {
                throw Invalid(orgName, flow, status, $"the instance_url '{instanceUrlText}' is not an HTTPS URL (only loopback hosts may use http)");
            }

            var id = GetString(root, "id");
            var issuedAtText = GetRawNumberOrString(root, "issued_at");
            var signature = GetString(root, "signature");
            if (verifySignature && !string.IsNullOrEmpty(clientSecret) && signature is not null && id is not null && issuedAtText is not null
                && !SignatureMatches(clientSecret, id, issuedAtText, signature))
            {
                throw new SalesforceAuthException(
                    orgName, flow, "invalid_signature", "the response's signature does not match its id and issued_at", status, isTransient: false,
                    "The response was altered in transit, or the client secret differs from the connected app's consumer secret. VerifySignature = false turns the check off.");
            }

            return new SalesforceToken(accessToken, instanceUrl, expiresAt)
            {
                IdentityUrl = Uri.TryCreate(id, UriKind.Absolute, out var identityUrl) ? identityUrl : null,
                TokenType = GetString(root, "token_type") is { Length: > 0 } type ? type : "Bearer",
                IssuedAt = ParseIssuedAt(issuedAtText),
                Scope = GetString(root, "scope"),
                RefreshToken = GetString(root, "refresh_token") is { Length: > 0 } refresh ? refresh : null,
                Signature = signature,
                IdToken = GetString(root, "id_token"),
                CommunityUrl = Uri.TryCreate(GetString(root, "sfdc_community_url"), UriKind.Absolute, out var community) ? community : null,
            };
        }
    }

    /// <summary>Reads <c>{"error","error_description"}</c>, or the data API's <c>[{"errorCode","message"}]</c>.</summary>
    public static bool TryParseError(string body, out string? error, out string? description)
    {
        error = null;
        description = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 && root[0].ValueKind == JsonValueKind.Object)
            {
                root = root[0];
                error = GetString(root, "errorCode");
                description = GetString(root, "message");
                return true;
            }

            if (root.ValueKind == JsonValueKind.Object)
            {
                error = GetString(root, "error");
                description = GetString(root, "error_description");
                return true;
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary><c>issued_at</c> as milliseconds (Salesforce's practice) or seconds (its documentation) since the epoch.</summary>
    internal static DateTimeOffset? ParseIssuedAt(string? text)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        try
        {
            return value < MillisecondsThreshold ? DateTimeOffset.FromUnixTimeSeconds(value) : DateTimeOffset.FromUnixTimeMilliseconds(value);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Base64(HMAC-SHA256(key = client secret, message = id + issued_at)), compared in fixed time.</summary>
    internal static bool SignatureMatches(string clientSecret, string id, string issuedAt, string signature)
    {
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(id + issuedAt));
        var actual = new byte[(signature.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(signature, actual, out var written))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, actual.AsSpan(0, written));
    }

    private static SalesforceAuthException Invalid(string orgName, SalesforceFlow flow, HttpStatusCode status, string description) =>
        new(orgName, flow, "invalid_response", description, status, isTransient: false,
            "The login URL may not point at a Salesforce token endpoint; check loginUrl in sfauth.json.");

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? GetRawNumberOrString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
