using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SfOAuthGen.Runtime;

/// <summary>
/// The JWT bearer flow: <c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer</c> with an RS256 assertion signed by
/// the connected app's certificate key. No client secret is sent and no refresh token comes back.
/// </summary>
internal static class JwtBearerFlow
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>Salesforce refuses assertions whose <c>exp</c> is more than three minutes away.</summary>
    internal static readonly TimeSpan AssertionLifetime = TimeSpan.FromMinutes(3);

    // {"alg":"RS256"} — Salesforce's documented header; "typ" is optional.
    private static readonly string EncodedHeader = Base64Url(Encoding.UTF8.GetBytes("{\"alg\":\"RS256\"}"));

    public static async ValueTask<TokenRequest> CreateRequestAsync(
        SalesforceOrgSettings settings, OrgSecrets secrets, TimeProvider time, CancellationToken cancellationToken)
    {
        var clientId = await secrets.RequireAsync("clientId", settings.ClientId, cancellationToken).ConfigureAwait(false);
        var username = await secrets.RequireAsync("username", settings.Username, cancellationToken).ConfigureAwait(false);
        var pem = await secrets.RequireAsync("privateKey", settings.PrivateKey, cancellationToken).ConfigureAwait(false);

        var assertion = CreateAssertion(settings, clientId, username, pem, time.GetUtcNow() + AssertionLifetime);
        var fields = new List<KeyValuePair<string, string>>(2)
        {
            new("grant_type", GrantType),
            new("assertion", assertion),
        };
        return new TokenRequest(SalesforceFlow.JwtBearer, fields, authorization: null, clientSecret: null);
    }

    /// <summary>
    /// The audience: the org's <see cref="SalesforceOrgSettings.Audience"/>, else the origin of its configured login URL
    /// (not of a test override: Salesforce checks the real host, and so does the recorded-response server).
    /// </summary>
    internal static string Audience(SalesforceOrgSettings settings) =>
        string.IsNullOrWhiteSpace(settings.Audience) ? settings.LoginUrl.GetLeftPart(UriPartial.Authority) : settings.Audience;

    internal static string CreateAssertion(SalesforceOrgSettings settings, string clientId, string username, string pem, DateTimeOffset expires)
    {
        var claims = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(claims))
        {
            json.WriteStartObject();
            json.WriteString("iss", clientId);
            json.WriteString("sub", username);
            json.WriteString("aud", Audience(settings));
            json.WriteNumber("exp", expires.ToUnixTimeSeconds());
            json.WriteEndObject();
        }

        var signingInput = EncodedHeader + "." + Base64Url(claims.WrittenSpan);
        using var rsa = ImportKey(settings, pem);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static RSA ImportKey(SalesforceOrgSettings settings, string pem)
    {
        // Environment variables often carry a PEM with its line breaks written as \n.
        if (!pem.Contains('\n', StringComparison.Ordinal) && pem.Contains("\\n", StringComparison.Ordinal))
        {
            pem = pem.Replace("\\n", "\n", StringComparison.Ordinal);
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            // The key text is never quoted: only what kind of problem it is.
            throw new SalesforceConfigurationException(
                settings.Name, "privateKey",
                $"Salesforce org '{settings.Name}': 'privateKey' ({settings.PrivateKey}) is not an unencrypted PEM RSA private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----); {ex.GetType().Name}.",
                ex);
        }
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
