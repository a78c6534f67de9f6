using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests.Infrastructure;

/// <summary>
/// Fresh credentials per test, built at run time (no token-shaped literals in C#). The values carry characters that
/// encode differently raw, URL-encoded, form-encoded, JSON-escaped and in Base64, so a leak in any encoding is findable.
/// </summary>
internal sealed class Credentials
{
    private Credentials(string nonce)
    {
        ClientId = "integration-app-" + nonce;
        ClientSecret = "cs+" + nonce + "/Zz=";
        Username = "user." + nonce + "@example.com";
        Password = "pw \"" + nonce + "\" & é<>";
        SecurityToken = "st" + nonce.ToUpperInvariant();
        RefreshToken = "rt." + nonce + "+/=";
    }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public string Username { get; }

    public string Password { get; }

    public string SecurityToken { get; }

    public string RefreshToken { get; }

    /// <summary>What the password flow sends: the password with the security token appended.</summary>
    public string PasswordWithToken => Password + SecurityToken;

    /// <summary>Resolves the references of this project's sfauth.json (env names) to these values.</summary>
    public ISecretResolver Resolver => new MapResolver(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["SF_SANDBOX_CLIENT_ID"] = ClientId,
        ["SF_SANDBOX_CLIENT_SECRET"] = ClientSecret,
        ["SF_SANDBOX_USERNAME"] = Username,
        ["SF_SANDBOX_PASSWORD"] = Password,
        ["SF_SANDBOX_SECURITY_TOKEN"] = SecurityToken,
        ["SF_DEVHUB_CLIENT_ID"] = ClientId,
        ["SF_DEVHUB_CLIENT_SECRET"] = ClientSecret,
        ["SF_DEVHUB_REFRESH_TOKEN"] = RefreshToken,
    });

    public static Credentials Create() => new(Guid.NewGuid().ToString("N")[..16]);

    /// <summary>The secret values a test must never find in any output.</summary>
    public IEnumerable<(string Name, string Value)> Secrets()
    {
        yield return ("client secret", ClientSecret);
        yield return ("password", Password);
        yield return ("security token", SecurityToken);
        yield return ("password with token", PasswordWithToken);
        yield return ("refresh token", RefreshToken);
    }

    /// <summary>Makes the server's placeholders match only these values, so a wrong or missing credential is unmatched.</summary>
    public void Pin(RecordedResponseServer server)
    {
        server.Secrets["client_id"] = ClientId;
        server.Secrets["client_secret"] = ClientSecret;
        server.Secrets["username"] = Username;
        server.Secrets["password"] = PasswordWithToken;
        server.Secrets["refresh_token"] = RefreshToken;
    }

    private sealed class MapResolver(Dictionary<string, string> values) : ISecretResolver
    {
        public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) =>
            new(values.TryGetValue(reference.Name, out var value) ? new SecretValue(value) : null);
    }
}
