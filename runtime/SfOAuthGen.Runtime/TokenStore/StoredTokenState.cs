namespace SfOAuthGen.Runtime;

/// <summary>
/// One org's token state as a <see cref="ISalesforceTokenStore"/> keeps it. <see cref="ToString"/> masks the credentials.
/// </summary>
public sealed class StoredTokenState
{
    /// <summary>Creates a state.</summary>
    /// <param name="generation">Counts renewals of the chain: each write is one more than the state it replaces.</param>
    /// <param name="token">The access token with its instance URL and expiry; <see langword="null"/> when only the refresh token is known.</param>
    /// <param name="refreshToken">The chain's current refresh token, the only one that may be sent; <see langword="null"/> for flows without one.</param>
    /// <param name="orgName">The org name of the writer, for people reading the store; not part of the key.</param>
    public StoredTokenState(long generation, SalesforceToken? token, [SalesforceSecret] string? refreshToken, string orgName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(generation);
        ArgumentNullException.ThrowIfNull(orgName);
        Generation = generation;
        Token = token;
        RefreshToken = refreshToken;
        OrgName = orgName;
    }

    /// <summary>Counts renewals of the chain: each write is one more than the state it replaces.</summary>
    public long Generation { get; }

    /// <summary>The access token with its instance URL and expiry; <see langword="null"/> when only the refresh token is known.</summary>
    public SalesforceToken? Token { get; }

    /// <summary>The chain's current refresh token, the only one that may be sent. A credential: do not log it.</summary>
    public string? RefreshToken { get; }

    /// <summary>The org name of the writer, for people reading the store.</summary>
    public string OrgName { get; }

    /// <summary>Describes the state without any credential.</summary>
    public override string ToString() =>
        $"generation {Generation} of org '{OrgName}': {(Token is null ? "no access token" : Token.ToString())}{(RefreshToken is null ? string.Empty : ", refresh token (redacted)")}";
}
