namespace SfOAuthGen.Testing;

/// <summary>
/// Turns on the server's built-in OAuth behaviours (<see cref="RecordedResponseServerOptions.Authorization"/>): the
/// authorize endpoint with PKCE, the authorization-code, JWT-bearer and refresh grants for tokens it issued, and the
/// revoke and introspect endpoints. Other requests still go to the cassette.
/// </summary>
public sealed class AuthorizationServerOptions
{
    /// <summary>The connected app's consumer key that requests must carry (<c>client_id</c>, JWT <c>iss</c>).</summary>
    public required string ClientId { get; init; }

    /// <summary>
    /// The consumer secret. When set, a request that sends a <c>client_secret</c> must send this one, and introspection
    /// requires it; when <see langword="null"/>, the app is public (PKCE only).
    /// </summary>
    public string? ClientSecret { get; init; }

    /// <summary>
    /// The PEM public key (or certificate's key) that JWT bearer assertions must be signed with. When
    /// <see langword="null"/>, JWT bearer requests go to the cassette.
    /// </summary>
    public string? JwtPublicKeyPem { get; init; }

    /// <summary>The accepted JWT <c>aud</c> values; Salesforce's login and test hosts by default.</summary>
    public IReadOnlyCollection<string> JwtAudiences { get; init; } = ["https://login.salesforce.com", "https://test.salesforce.com"];

    /// <summary>
    /// Users pre-authorised for the JWT bearer flow; any other <c>sub</c> gets <c>user hasn't approved this consumer</c>.
    /// <see langword="null"/> (the default) approves every user.
    /// </summary>
    public IReadOnlyCollection<string>? ApprovedUsers { get; init; }

    /// <summary>The user the authorize endpoint logs in (introspection's <c>username</c>).</summary>
    public string Username { get; init; } = "user@example.com";

    /// <summary>The scopes granted (<c>scope</c> in token responses).</summary>
    public string Scope { get; init; } = "api refresh_token";

    /// <summary>How long issued access tokens live (introspection's <c>exp</c> is issue time plus this).</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Whether refreshes rotate the refresh token, as Salesforce does when the app enables it: each refresh returns a new
    /// <c>refresh_token</c> and supersedes the one sent; sending a superseded one again revokes the whole chain.
    /// </summary>
    public bool RotateRefreshTokens { get; init; }

    /// <summary>
    /// Whether the server also plays the data API (<c>/services/data/…</c>) for the access tokens it issued: 200 while the
    /// session lives, 401 <c>INVALID_SESSION_ID</c> once it ended (<see cref="AuthorizationServer.ExpireSessions"/>, the
    /// session lifetime, a revocation). Off by default: data requests go to the cassette.
    /// </summary>
    public bool ServeDataApi { get; init; }

    /// <summary>How long an authorization code may wait before its exchange (Salesforce: 15 minutes).</summary>
    public TimeSpan CodeLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// When <see langword="true"/>, the authorize endpoint first shows a small HTML login form (username and password),
    /// as Salesforce does; submitting it with <see cref="Username"/> and any password continues to the redirect with
    /// the code. For tests that drive a real browser. Off by default: the endpoint redirects at once.
    /// </summary>
    public bool ServesLoginForm { get; init; }
}
