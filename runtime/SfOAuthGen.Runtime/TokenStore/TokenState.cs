namespace SfOAuthGen.Runtime;

/// <summary>A chain's token state as one immutable value: the access token, when it goes stale, the refresh token, the generation.</summary>
internal sealed class TokenState
{
    public static readonly TokenState Empty = new(null, DateTimeOffset.MinValue, null, 0);

    public TokenState(SalesforceToken? token, DateTimeOffset renewAt, string? refreshToken, long generation)
    {
        Token = token;
        RenewAt = renewAt;
        RefreshToken = refreshToken;
        Generation = generation;
    }

    public SalesforceToken? Token { get; }

    /// <summary>From this instant the token is stale: its expiry less the renewal margin.</summary>
    public DateTimeOffset RenewAt { get; }

    /// <summary>The only refresh token the chain may send; a rotated one replaces it here.</summary>
    public string? RefreshToken { get; }

    /// <summary>The store generation this state came from or was written as; 0 before any.</summary>
    public long Generation { get; }

    /// <summary>Until this <see cref="Environment.TickCount64"/> the token counts as fresh without a wall-clock read (system clock only).</summary>
    public long TrustedUntilTick = long.MinValue;
}
