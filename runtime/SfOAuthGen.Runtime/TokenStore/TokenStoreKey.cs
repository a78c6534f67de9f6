using System.Security.Cryptography;
using System.Text;

namespace SfOAuthGen.Runtime;

/// <summary>
/// The store key of an org's refresh-token chain: a hash of everything that changes the token — login host, client id,
/// user, flow, scope, audience, and the fingerprint of the configured refresh token — so that no secret is ever in clear,
/// two different chains never share a key, and configuring a new refresh token (after <c>sfauth login</c>) starts a new chain.
/// </summary>
internal static class TokenStoreKey
{
    public static async ValueTask<string> ComputeAsync(SalesforceOrgSettings settings, Uri loginUrl, OrgSecrets secrets, CancellationToken cancellationToken) =>
        Compute(loginUrl, settings, await ResolveAsync(settings, secrets, cancellationToken).ConfigureAwait(false));

    /// <summary>The secret-backed parts of the key, resolved now.</summary>
    public static async ValueTask<TokenStoreKeyInputs> ResolveAsync(SalesforceOrgSettings settings, OrgSecrets secrets, CancellationToken cancellationToken) => new(
        await ResolveAsync(secrets, "clientId", settings.ClientId, cancellationToken).ConfigureAwait(false),
        await ResolveAsync(secrets, "username", settings.Username, cancellationToken).ConfigureAwait(false),
        await ResolveAsync(secrets, "refreshToken", settings.RefreshToken, cancellationToken).ConfigureAwait(false));

    public static string Compute(Uri loginUrl, SalesforceOrgSettings settings, TokenStoreKeyInputs inputs) =>
        Compute(loginUrl, settings.Flow, inputs.ClientId, inputs.Username, settings.Scope, settings.Audience, inputs.ConfiguredRefreshToken, settings.Tenant);

    public static string Compute(
        Uri loginUrl, SalesforceFlow flow, string? clientId, string? username, string? scope, string? audience, string? configuredRefreshToken, string? tenant = null)
    {
        var identity = new StringBuilder("sfauth-token-v1");
        foreach (var part in new[]
        {
            loginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/').ToLowerInvariant(),
            flow.ToString(),
            clientId,
            username,
            scope,
            audience,
            configuredRefreshToken is null ? null : Fingerprint(configuredRefreshToken),
        })
        {
            // Length-prefixed, so no two different tuples hash the same text.
            identity.Append('\n').Append(part?.Length ?? -1).Append(':').Append(part);
        }

        if (tenant is not null)
        {
            // Only tenants' keys gain the part, so the keys of manifest orgs (and the state stored under them) stay as they were.
            identity.Append("\ntenant ").Append(tenant.Length).Append(':').Append(tenant);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(identity.ToString()));
        return "sfauth-" + Convert.ToHexString(hash, 0, 20).ToLowerInvariant();
    }

    // A value that does not resolve yet (a web_server org's refresh token before its first login) identifies nothing;
    // the flow that needs it reports the missing secret itself.
    private static async ValueTask<string?> ResolveAsync(OrgSecrets secrets, string field, SecretReference? reference, CancellationToken cancellationToken)
    {
        try
        {
            return await secrets.OptionalAsync(field, reference, cancellationToken).ConfigureAwait(false);
        }
        catch (SalesforceConfigurationException)
        {
            return null;
        }
    }

    /// <summary>A one-way fingerprint of a refresh token: enough to tell two apart, useless to anyone who reads it.</summary>
    public static string Fingerprint(string refreshToken) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("sfauth-refresh-token\n" + refreshToken)), 0, 16).ToLowerInvariant();
}

/// <summary>The resolved values a store key depends on; compared to reuse a key, never stored or printed.</summary>
internal sealed record TokenStoreKeyInputs(string? ClientId, string? Username, string? ConfiguredRefreshToken)
{
    // Records print their members: these are secrets.
    public override string ToString() => nameof(TokenStoreKeyInputs);
}
