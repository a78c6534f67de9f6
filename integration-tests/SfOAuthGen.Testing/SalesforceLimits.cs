namespace SfOAuthGen.Testing;

/// <summary>
/// Salesforce's limits and timeouts, each off unless set (<see cref="RecordedResponseServerOptions.Limits"/>). They apply
/// to tokens the server saw issued (by the cassette, the built-in authorization or the upstream) and are measured
/// with <see cref="RecordedResponseServerOptions.TimeProvider"/>, so a fake clock steps through them.
/// </summary>
public sealed record SalesforceLimits
{
    /// <summary>
    /// Successful logins (password, JWT bearer, client-credentials and authorization-code grants) allowed per user in any
    /// hour; the next is refused with 400 <c>rate_limit_exceeded</c> / <c>LOGIN_RATE_EXCEEDED</c>. Salesforce allows 3,600.
    /// The user is the <c>username</c> field, the JWT's <c>sub</c>, or else the <c>client_id</c>.
    /// </summary>
    public int? LoginsPerHour { get; init; }

    /// <summary>
    /// How long an issued refresh token may go unused (sliding, as Salesforce's idle expiry); after that the refresh grant
    /// answers 400 <c>invalid_grant</c> / <c>expired access/refresh token</c>.
    /// </summary>
    public TimeSpan? RefreshTokenIdleTimeout { get; init; }

    /// <summary>
    /// How long an issued access token's session lasts without use (sliding); after that any request outside
    /// <c>/services/oauth2/</c> that sends it as a Bearer token gets 401 <c>INVALID_SESSION_ID</c>, as the data API answers.
    /// </summary>
    public TimeSpan? SessionTimeout { get; init; }
}
