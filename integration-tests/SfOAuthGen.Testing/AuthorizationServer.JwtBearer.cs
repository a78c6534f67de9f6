using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SfOAuthGen.Testing;

// The JWT bearer flow, checked in Salesforce's order: a well-formed RS256 assertion signed with the test key, then the
// issuer, audience, expiry and subject claims. Each refusal names the failed check in Rejections, never the assertion.
public sealed partial class AuthorizationServer
{
    private Answer JwtBearer(Dictionary<string, string> form, Uri baseUri)
    {
        if (AssertionProblem(Field(form, "assertion") ?? string.Empty, out var claims) is { } malformed)
        {
            return malformed;
        }

        if ((AudienceProblem(claims) ?? ExpiryProblem(claims)) is { } refused)
        {
            return refused;
        }

        if (SubjectProblem(claims, out var subject) is { } unapproved)
        {
            return unapproved;
        }

        var access = Issue(refreshToken: false, subject, parent: null);
        _grants.Enqueue(new ServedGrant(JwtBearerGrant, subject, null, access, null));
        return Success(form, baseUri, access, null, _options.Scope);
    }

    /// <summary>Refuses an assertion that is not three Base64url parts of JSON objects, RS256, signed with the test key.</summary>
    private Answer? AssertionProblem(string assertion, out JsonElement claims)
    {
        claims = default;
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return InvalidAssertion("jwt: not three dot-separated parts");
        }

        JsonElement header;
        try
        {
            header = ParseJson(parts[0]);
            claims = ParseJson(parts[1]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return InvalidAssertion("jwt: header or claims are not Base64url JSON");
        }

        if (header.ValueKind != JsonValueKind.Object || claims.ValueKind != JsonValueKind.Object || Text(header, "alg") != "RS256")
        {
            return InvalidAssertion("jwt: header alg is not RS256");
        }

        return SignatureProblem(parts);
    }

    private Answer? SignatureProblem(string[] parts)
    {
        byte[] signature;
        try
        {
            signature = FromBase64Url(parts[2]);
        }
        catch (FormatException)
        {
            return InvalidAssertion("jwt: signature is not Base64url");
        }

        return _jwtKey!.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? null
            : InvalidAssertion("jwt: signature does not verify with the test public key");
    }

    private Answer? AudienceProblem(JsonElement claims)
    {
        if (Text(claims, "iss") != _options.ClientId)
        {
            return Reject(400, "invalid_client_id", "client identifier invalid", "jwt: iss is not the client id");
        }

        if (Text(claims, "aud") is not { } audience || !_options.JwtAudiences.Contains(audience, StringComparer.Ordinal))
        {
            return Reject(400, "invalid_grant", "Audience validation failed", "jwt: aud is not an accepted audience");
        }

        return null;
    }

    /// <summary>Refuses an expired assertion and one that lives longer than <see cref="MaxAssertionLifetime"/>.</summary>
    private Answer? ExpiryProblem(JsonElement claims)
    {
        if (!claims.TryGetProperty("exp", out var expElement) || !expElement.TryGetInt64(out var exp))
        {
            return InvalidAssertion("jwt: exp missing or not a number");
        }

        var now = _time.GetUtcNow();
        if (exp <= now.ToUnixTimeSeconds())
        {
            return InvalidAssertion("jwt: assertion expired");
        }

        return exp > (now + MaxAssertionLifetime).ToUnixTimeSeconds() ? InvalidAssertion("jwt: exp is more than 5 minutes ahead") : null;
    }

    private Answer? SubjectProblem(JsonElement claims, out string subject)
    {
        subject = Text(claims, "sub") ?? string.Empty;
        if (subject.Length == 0)
        {
            return InvalidAssertion("jwt: sub missing");
        }

        if (_options.ApprovedUsers is { } approved && !approved.Contains(subject, StringComparer.Ordinal))
        {
            return Reject(400, "invalid_grant", "user hasn't approved this consumer", "jwt: user not pre-authorised");
        }

        return null;
    }

    private Answer InvalidAssertion(string reason) => Reject(400, "invalid_grant", "invalid assertion", reason);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement ParseJson(string base64Url)
    {
        using var document = JsonDocument.Parse(FromBase64Url(base64Url));
        return document.RootElement.Clone();
    }
}
