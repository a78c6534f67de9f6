using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
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
        ReadOnlyMemory<byte> utf8Body, string orgName, SalesforceFlow flow, HttpStatusCode status, DateTimeOffset expiresAt, string? clientSecret, SignatureVerifier? verifier)
    {
        SuccessFields fields;
        try
        {
            fields = ReadFields(utf8Body.Span);
        }
        catch (JsonException ex)
        {
            throw new SalesforceAuthException(
                orgName, flow, null, "the token endpoint's response is not valid JSON (truncated or not JSON)", status, isTransient: true, "Try again later.", ex);
        }

        if (!fields.IsObject)
        {
            throw Invalid(orgName, flow, status, "the token endpoint's response is not a JSON object");
        }

        var accessToken = fields.AccessToken;
        var instanceUrlText = fields.InstanceUrl;
        if (string.IsNullOrEmpty(accessToken) || string.IsNullOrEmpty(instanceUrlText))
        {
            var missing = string.IsNullOrEmpty(accessToken) ? "access_token" : "instance_url";
            throw Invalid(orgName, flow, status, $"the token endpoint's response has no {missing}");
        }

        if (!Uri.TryCreate(instanceUrlText, UriKind.Absolute, out var instanceUrl) || !TransportSecurity.IsAllowed(instanceUrl))
        {
            throw Invalid(orgName, flow, status, $"the instance_url '{instanceUrlText}' is not an HTTPS URL (only loopback hosts may use http)");
        }

        var id = fields.Id;
        var issuedAtText = fields.IssuedAt;
        var signature = fields.Signature;
        if (verifier is not null && !string.IsNullOrEmpty(clientSecret) && signature is not null && id is not null && issuedAtText is not null
            && !verifier.Matches(clientSecret, id, issuedAtText, signature))
        {
            throw new SalesforceAuthException(
                orgName, flow, "invalid_signature", "the response's signature does not match its id and issued_at", status, isTransient: false,
                "The response was altered in transit, or the client secret differs from the connected app's consumer secret. VerifySignature = false turns the check off.");
        }

        return new SalesforceToken(accessToken, instanceUrl, expiresAt)
        {
            IdentityUrl = Uri.TryCreate(id, UriKind.Absolute, out var identityUrl) ? identityUrl : null,
            TokenType = fields.TokenType is { Length: > 0 } type ? type : "Bearer",
            IssuedAt = ParseIssuedAt(issuedAtText),
            Scope = fields.Scope,
            RefreshToken = fields.RefreshToken is { Length: > 0 } refresh ? refresh : null,
            Signature = signature,
            IdToken = fields.IdToken,
            CommunityUrl = Uri.TryCreate(fields.CommunityUrl, UriKind.Absolute, out var community) ? community : null,
        };
    }

    /// <summary>
    /// One forward pass over the body with <see cref="Utf8JsonReader"/>: the fields a token response may carry, as text
    /// (<c>issued_at</c> as a number's raw text too). Unknown fields are skipped; the whole body must be valid JSON.
    /// </summary>
    /// <exception cref="JsonException">The body is not valid JSON.</exception>
    private static SuccessFields ReadFields(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        var fields = default(SuccessFields);
        if (!reader.Read())
        {
            throw new JsonException("The body holds no JSON value.");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            while (reader.Read())
            {
                // Validate to the end: a truncated non-object is still "not valid JSON".
            }

            return fields;
        }

        fields.IsObject = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            ref var slot = ref fields.Slot(ref reader, out var acceptsNumber);
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String when !Unsafe.IsNullRef(ref slot):
                    slot = reader.GetString();
                    break;
                case JsonTokenType.Number when acceptsNumber && !Unsafe.IsNullRef(ref slot):
                    slot = Encoding.UTF8.GetString(reader.ValueSpan);
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    reader.Skip();
                    break;
            }
        }

        while (reader.Read())
        {
            // Nothing may follow the object but whitespace; the reader throws on anything else.
        }

        return fields;
    }

    /// <summary>The text of each field a success response may carry.</summary>
    private struct SuccessFields
    {
        public bool IsObject;
        public string? AccessToken;
        public string? InstanceUrl;
        public string? Id;
        public string? IssuedAt;
        public string? Signature;
        public string? TokenType;
        public string? Scope;
        public string? RefreshToken;
        public string? IdToken;
        public string? CommunityUrl;

        /// <summary>The field the reader's property name stands for, or a null reference for one not read.</summary>
        [UnscopedRef]
        public ref string? Slot(ref Utf8JsonReader reader, out bool acceptsNumber)
        {
            acceptsNumber = false;
            if (reader.ValueTextEquals("access_token"u8))
            {
                return ref AccessToken;
            }

            if (reader.ValueTextEquals("instance_url"u8))
            {
                return ref InstanceUrl;
            }

            if (reader.ValueTextEquals("id"u8))
            {
                return ref Id;
            }

            if (reader.ValueTextEquals("issued_at"u8))
            {
                acceptsNumber = true;
                return ref IssuedAt;
            }

            if (reader.ValueTextEquals("signature"u8))
            {
                return ref Signature;
            }

            if (reader.ValueTextEquals("token_type"u8))
            {
                return ref TokenType;
            }

            if (reader.ValueTextEquals("scope"u8))
            {
                return ref Scope;
            }

            if (reader.ValueTextEquals("refresh_token"u8))
            {
                return ref RefreshToken;
            }

            if (reader.ValueTextEquals("id_token"u8))
            {
                return ref IdToken;
            }

            if (reader.ValueTextEquals("sfdc_community_url"u8))
            {
                return ref CommunityUrl;
            }

            return ref Unsafe.NullRef<string?>();
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

    private static SalesforceAuthException Invalid(string orgName, SalesforceFlow flow, HttpStatusCode status, string description) =>
        new(orgName, flow, "invalid_response", description, status, isTransient: false,
            "The login URL may not point at a Salesforce token endpoint; check loginUrl in sfauth.json.");

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
