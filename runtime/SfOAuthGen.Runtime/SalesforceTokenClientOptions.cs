using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace SfOAuthGen.Runtime;

/// <summary>How a <see cref="SalesforceTokenClient"/> reaches Salesforce, resolves secrets and tells the time.</summary>
public sealed class SalesforceTokenClientOptions
{
    /// <summary>
    /// The <see cref="System.Net.Http.HttpClient"/> to send token requests with (from <c>IHttpClientFactory</c>, say).
    /// When <see langword="null"/>, the client creates and owns one.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Replaces the org's login URL, for example with a recorded-response server on loopback.</summary>
    public Uri? LoginUrl { get; init; }

    /// <summary>Resolves secret references. Defaults to <see cref="DefaultSecretResolver.Instance"/>.</summary>
    public ISecretResolver? SecretResolver { get; init; }

    /// <summary>The clock for expiry and back-off. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>The longest a single token request may take before it fails as transient.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a failed token request, how long the client waits before it sends another one; callers in between get the
    /// same failure. This caps logins (Salesforce blocks users after 3,600 an hour). <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan FailureBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where the client logs token acquired, renewed and failed events (org, flow, elapsed time; never a credential).
    /// When <see langword="null"/>, nothing is logged.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Creates the <c>SfOAuthGen</c> meter (<see cref="SalesforceDiagnostics"/>). When <see langword="null"/>, a
    /// process-wide meter of that name is used.
    /// </summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>
    /// Where the org's token state (access token, expiry, the current refresh token) is kept beyond this client, and
    /// where its renewal lease is taken. When <see langword="null"/>, <see cref="MemoryTokenStore.Shared"/>: every client of
    /// the org in this process shares one chain, and nothing survives a restart. For services that restart or run as
    /// several instances, use <see cref="FileTokenStore"/> (one machine) or <c>RedisTokenStore</c> (<c>SfOAuthGen.Redis</c>).
    /// </summary>
    /// <remarks>
    /// Clients share one token state, one single flight and one refresh-token chain when they have the same settings,
    /// login URL, store and <see cref="TimeProvider"/>: the generated static class, the DI registration and
    /// <c>CreateClient</c> of one org do by default.
    /// </remarks>
    public ISalesforceTokenStore? TokenStore { get; init; }

    /// <summary>
    /// Gives this client a token state of its own, shared with no other client, and (unless <see cref="TokenStore"/> is
    /// set) a private in-memory store. For tests that must not see each other's tokens; never for two clients that use
    /// the same rotating refresh token, which would revoke each other's chain.
    /// </summary>
    public bool IsolatedTokenState { get; init; }

    /// <summary>
    /// How long a renewal may hold the store's lease before it lapses (should the holder die). Must exceed one token
    /// request: a renewal that outlives its lease lets another process send the refresh token it just had rotated, which
    /// revokes the chain; a lease no longer than <see cref="RequestTimeout"/> is logged as a warning at start.
    /// Defaults to <see cref="RequestTimeout"/> plus 10 seconds.
    /// </summary>
    public TimeSpan? TokenStoreLeaseDuration { get; init; }

    /// <summary>Gives the HttpClient for each token request; set by the dependency-injection registration (IHttpClientFactory).</summary>
    internal Func<HttpClient>? HttpClientSource { get; init; }
}
