using System.Runtime.ExceptionServices;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Gets and caches access tokens for one Salesforce org. A valid cached token is returned without I/O; otherwise one
/// caller runs the org's flow and every concurrent caller awaits the same result. Thread-safe.
/// </summary>
public sealed partial class SalesforceTokenClient : IDisposable
{
    private readonly HttpClient? _http; // null when every request asks options.HttpClientSource
    private readonly bool _ownsHttpClient;
    private readonly ISecretResolver _resolver;
    private readonly TimeProvider _time;
    private readonly bool _systemClock; // _time is TimeProvider.System: the cached path may lean on the monotonic tick count
    private readonly TimeSpan _failureBackoff;
    private readonly TimeSpan _renewalMargin;
    private readonly TokenEndpoint _endpoint;
    private readonly OrgGrants _grants;
    private readonly TokenTelemetry _telemetry;
    private readonly CancellationTokenSource _stopping = new();

    // The org's token state, flight and back-off: shared with every client of the same org in this process unless isolated.
    private readonly TokenChain _chain;
    private readonly ChainIdentity? _chainIdentity; // null for an isolated chain, which no registry holds
    private readonly TimeSpan _leaseDuration;
    private bool _disposed;
    private Task<SalesforceToken>? _runningFlight; // the chain's flight when this client runs it; guarded by _chain.Gate

    /// <summary>Creates a client for the org described by <paramref name="settings"/>.</summary>
    /// <exception cref="SalesforceConfigurationException">
    /// The login URL is not HTTPS (loopback hosts excepted), or the session lifetime or a time-out is not positive.
    /// </exception>
    public SalesforceTokenClient(SalesforceOrgSettings settings, SalesforceTokenClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        options ??= new SalesforceTokenClientOptions();

        LoginUrl = options.LoginUrl ?? settings.LoginUrl;
        Validate(settings, LoginUrl, options);

        // A margin as long as the session would make every token stale on arrival: a login storm. Keep at least half the session.
        var margin = settings.RenewalMargin < TimeSpan.Zero ? TimeSpan.Zero : settings.RenewalMargin;
        _renewalMargin = margin > settings.SessionLifetime / 2 ? settings.SessionLifetime / 2 : margin;

        _time = options.TimeProvider ?? TimeProvider.System;
        _systemClock = ReferenceEquals(_time, TimeProvider.System);
        _resolver = options.SecretResolver ?? DefaultSecretResolver.Instance;
        _failureBackoff = options.FailureBackoff < TimeSpan.Zero ? TimeSpan.Zero : options.FailureBackoff;
        if (options.HttpClient is { } http)
        {
            _http = http;
        }
        else if (options.HttpClientSource is null)
        {
            // RequestTimeout bounds each request; HttpClient's own 100 s default would only blur that. No redirects: a
            // 307 from the login host would re-post the credentials to another host.
            _http = new HttpClient(TransportSecurity.CreateLoginHostHandler()) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsHttpClient = true;
        }

        _telemetry = new TokenTelemetry(settings.Name, options.LoggerFactory, options.MeterFactory, _time);
        var fixedClient = _http;
        var httpSource = fixedClient is null ? options.HttpClientSource! : () => fixedClient;
        var endpoints = new OAuthEndpoints(httpSource, fixedClient, LoginUrl, settings, _time, options.RequestTimeout, _telemetry);
        _endpoint = new TokenEndpoint(endpoints, _time, settings.VerifySignature);
        _oauth = new RevocationAndIntrospection(endpoints, settings);
        _grants = new OrgGrants(settings, _resolver, _endpoint, _time, LoginUrl);

        // The lease must outlast one request, or a second process could renew with the same refresh token meanwhile.
        _leaseDuration = options.TokenStoreLeaseDuration
            ?? (options.RequestTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(2) : options.RequestTimeout + TimeSpan.FromSeconds(10));
        if (options.TokenStoreLeaseDuration is { } lease && (options.RequestTimeout == Timeout.InfiniteTimeSpan || lease <= options.RequestTimeout))
        {
            var timeout = options.RequestTimeout == Timeout.InfiniteTimeSpan ? "none" : options.RequestTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s";
            Log.LeaseShorterThanRequest(_telemetry.Logger, settings.Name, lease.TotalSeconds, timeout);
        }
        (_chain, _chainIdentity) = JoinChain(settings, options);
    }

    private static void Validate(SalesforceOrgSettings settings, Uri? loginUrl, SalesforceTokenClientOptions options)
    {
        if (loginUrl is null || !TransportSecurity.IsAllowed(loginUrl))
        {
            throw new SalesforceConfigurationException(
                settings.Name, "loginUrl",
                $"Salesforce org '{settings.Name}': the login URL '{loginUrl}' must be an absolute https:// URL (http is allowed only for loopback hosts such as 127.0.0.1).");
        }

        if (settings.SessionLifetime <= TimeSpan.Zero)
        {
            throw new SalesforceConfigurationException(
                settings.Name, "sessionLifetime", $"Salesforce org '{settings.Name}': the session lifetime must be positive, not {settings.SessionLifetime}.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new SalesforceConfigurationException(
                settings.Name, null, $"Salesforce org '{settings.Name}': RequestTimeout must be positive, not {options.RequestTimeout}.");
        }
    }

    /// <summary>The org's shared chain in this process, or an isolated one; the identity is what to leave on disposal.</summary>
    private (TokenChain Chain, ChainIdentity? Identity) JoinChain(SalesforceOrgSettings settings, SalesforceTokenClientOptions options)
    {
        var store = options.TokenStore ?? (options.IsolatedTokenState ? new MemoryTokenStore() : MemoryTokenStore.Shared);
        if (options.IsolatedTokenState)
        {
            return (new TokenChain(store), null);
        }

        // The login URL in use replaces the settings' own: a LoginUrl override (static Configure) and a configured
        // loginUrl (DI configuration) that reach the same server are the same chain.
        var identity = new ChainIdentity(store, _time, settings with { LoginUrl = LoginUrl });
        return (TokenChains.Join(identity), identity);
    }

    /// <summary>The org's settings.</summary>
    public SalesforceOrgSettings Settings { get; }

    /// <summary>The login URL in use: the options' override, else the settings'.</summary>
    public Uri LoginUrl { get; }

    /// <summary>The token endpoint requests go to: <c>{LoginUrl}/services/oauth2/token</c>.</summary>
    public Uri TokenEndpoint => _endpoint.Address;

    /// <summary>The cached token, valid or not, or <see langword="null"/> before the first one or after <see cref="Invalidate"/>.</summary>
    public SalesforceToken? CurrentToken => Volatile.Read(ref _chain.State).Token;

    /// <summary>Where the org's token state is kept beyond this client: <see cref="MemoryTokenStore.Shared"/> unless the options named another.</summary>
    public ISalesforceTokenStore TokenStore => _chain.Store;

    /// <summary>
    /// Returns the cached token while it is valid (no I/O, no allocation); otherwise obtains a new one, renewing with
    /// the refresh token when one is held and running the org's flow otherwise.
    /// </summary>
    /// <remarks>
    /// A token counts as valid until <see cref="SalesforceOrgSettings.RenewalMargin"/> before <see cref="SalesforceToken.ExpiresAt"/>.
    /// Cancelling <paramref name="cancellationToken"/> abandons only this caller's wait; the shared request goes on for the others.
    /// Within <see cref="SalesforceTokenClientOptions.FailureBackoff"/> of a failure, the failure is rethrown without a request.
    /// </remarks>
    /// <exception cref="SalesforceAuthException">Salesforce refused the request, or it could not be completed.</exception>
    /// <exception cref="SalesforceConfigurationException">A secret reference does not resolve.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public ValueTask<SalesforceToken> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        // The hot path, inlined into callers: a token trusted until a monotonic tick (system clock only; other clocks and
        // a lapsed trust take the exact check below). TrustedUntilTick starts at long.MinValue, so it never passes by default.
        var state = Volatile.Read(ref _chain.State);
        if (state.Token is { } token && Environment.TickCount64 < Volatile.Read(ref state.TrustedUntilTick))
        {
            _telemetry.CacheHit();
            return new ValueTask<SalesforceToken>(token);
        }

        return GetTokenChecked(state, cancellationToken);
    }

    private ValueTask<SalesforceToken> GetTokenChecked(TokenState state, CancellationToken cancellationToken)
    {
        if (state.Token is { } token && IsFresh(state))
        {
            _telemetry.CacheHit();
            return new ValueTask<SalesforceToken>(token);
        }

        return AcquireAsync(force: false, cancellationToken);
    }

    /// <summary>Obtains a new token now, even if the cached one is valid. Concurrent calls share one request.</summary>
    /// <remarks>Within the failure back-off, a still-valid cached token is returned instead, else the last failure is rethrown.</remarks>
    /// <exception cref="SalesforceAuthException">Salesforce refused the request, or it could not be completed.</exception>
    /// <exception cref="SalesforceConfigurationException">A secret reference does not resolve.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<SalesforceToken> RefreshAsync(CancellationToken cancellationToken = default) =>
        AcquireAsync(force: true, cancellationToken);

    /// <summary>
    /// Drops the cached access token (after a 401 <c>INVALID_SESSION_ID</c>, say) so the next call renews it.
    /// When <paramref name="token"/> is given, only that token is dropped: a newer one obtained meanwhile stays.
    /// A refresh token held by the client is kept.
    /// </summary>
    /// <remarks>The other clients of the org's chain (see <see cref="SalesforceTokenClientOptions.IsolatedTokenState"/>) drop it too.</remarks>
    public void Invalidate(SalesforceToken? token = null)
    {
        lock (_chain.Gate)
        {
            var state = _chain.State;
            if (state.Token is null || (token is not null && !ReferenceEquals(token, state.Token) && token.AccessToken != state.Token.AccessToken))
            {
                return;
            }

            // The generation stays: the store's copy of this very token must not be adopted again.
            Volatile.Write(ref _chain.State, new TokenState(null, DateTimeOffset.MinValue, state.RefreshToken, state.Generation));
        }
    }

    /// <summary>
    /// Disposes the <see cref="HttpClient"/> the client created, if it created one; a running request ends, unless
    /// other clients of the org's chain await it (a generated class's <c>Configure</c> replacing its shared client, say):
    /// then it finishes for them first. The org's token state stays with the other clients of its chain and in the store.
    /// </summary>
    public void Dispose()
    {
        Task? running;
        lock (_chain.Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            running = _runningFlight;
        }

        var othersRemain = _chainIdentity is { } identity && TokenChains.Leave(identity, _chain);
        if (running is not null && othersRemain)
        {
            // The renewal is the chain's, not this client's: ending it would fail the remaining clients' callers and
            // hold them in the failure back-off.
            _ = running.ContinueWith(
                static (_, client) => ((SalesforceTokenClient)client!).Stop(), this, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        Stop();
    }

    private void Stop()
    {
        // Not disposed: a running flight may still be linking to its token.
        _stopping.Cancel();
        if (_ownsHttpClient)
        {
            _http!.Dispose();
        }
    }

    private ValueTask<SalesforceToken> AcquireAsync(bool force, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<SalesforceToken>(cancellationToken);
        }

        Task<SalesforceToken> flight;
        TaskCompletionSource<SalesforceToken>? started = null;
        TokenState from;
        var chain = _chain;
        lock (chain.Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            from = chain.State;
            if (chain.Flight is null)
            {
                var now = _time.GetUtcNow();
                var valid = from.Token is not null && now < from.RenewAt;
                if (valid && !force)
                {
                    _telemetry.CacheHit();
                    return new ValueTask<SalesforceToken>(from.Token!);
                }

                if (chain.LastFailure is { } failure && now < chain.RetryAfter)
                {
                    // Back-off: no request; a still-valid token beats the old failure.
                    return valid
                        ? new ValueTask<SalesforceToken>(from.Token!)
                        : ValueTask.FromException<SalesforceToken>(failure.SourceException);
                }

                started = new TaskCompletionSource<SalesforceToken>(TaskCreationOptions.RunContinuationsAsynchronously);
                chain.Flight = started.Task;
                _runningFlight = started.Task;
            }

            flight = chain.Flight;
        }

        if (started is not null)
        {
            var run = RunFlightAsync(started, from);
            if (!cancellationToken.CanBeCanceled)
            {
                // The caller that started the flight awaits it directly: its continuation runs as the response arrives,
                // without the thread-pool hop the shared task's (asynchronous) continuations take.
                return new ValueTask<SalesforceToken>(run);
            }
        }

        return new ValueTask<SalesforceToken>(flight.WaitAsync(cancellationToken));
    }

    private async Task<SalesforceToken> RunFlightAsync(TaskCompletionSource<SalesforceToken> flight, TokenState from)
    {
        var chain = _chain;
        TokenState? next = null;
        Exception? failure = null;
        var flow = Settings.Flow;
        var started = _telemetry.Timestamp();
        var renewal = chain.HadToken;
        try
        {
            // Runs on the first caller's stack up to its first real await (no thread-pool hop): the caller's
            // cancellation cannot reach it, since only the client's own stopping token is passed down.
            (next, flow) = await RenewThroughStoreAsync(from, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
            flow = (ex as SalesforceAuthException)?.Flow ?? flow;
        }

        _telemetry.RenewalEnded(started, flow, renewal, next?.Token, failure);

        lock (chain.Gate)
        {
            if (next is not null)
            {
                // The rotated refresh token is in place before the flight clears, so no later refresh can send the old one.
                Volatile.Write(ref chain.State, next);
                chain.LastFailure = null;
                chain.HadToken = true;
            }
            else
            {
                chain.LastFailure = ExceptionDispatchInfo.Capture(failure!);
                chain.RetryAfter = _time.GetUtcNow() + _failureBackoff;
            }

            chain.Flight = null;
            _runningFlight = null;
        }

        if (next is not null)
        {
            flight.SetResult(next.Token!);
            return next.Token!;
        }

        flight.SetException(failure!);
        _ = flight.Task.Exception; // observed: callers may all have stopped waiting
        ExceptionDispatchInfo.Throw(failure!);
        return null!; // not reached
    }

    /// <summary>Whether the state's token is before its renewal instant, by the client's clock.</summary>
    /// <remarks>
    /// On the system clock a wall-clock read costs tens of nanoseconds, most of the cached path. So after an exact check
    /// the answer is trusted for up to <see cref="WallClockRecheckMs"/> of <see cref="Environment.TickCount64"/> (a
    /// coarse monotonic clock, a few nanoseconds): the wall clock stays the authority, and because the monotonic clock may
    /// stand still while the machine sleeps, a token is never served on trust for more than that window after waking.
    /// Any other <see cref="TimeProvider"/> (a test's fake) gets the exact comparison on every call.
    /// </remarks>
    private bool IsFresh(TokenState state)
    {
        if (!_systemClock)
        {
            return _time.GetUtcNow() < state.RenewAt;
        }

        var tick = Environment.TickCount64;
        if (tick < Volatile.Read(ref state.TrustedUntilTick))
        {
            return true;
        }

        var remaining = state.RenewAt - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        Volatile.Write(ref state.TrustedUntilTick, tick + Math.Min(WallClockRecheckMs, (long)remaining.TotalMilliseconds));
        return true;
    }

    private const long WallClockRecheckMs = 100;

    private TokenState Next(SalesforceToken token, string? refreshToken, long generation = 0) =>
        new(token, token.ExpiresAt - _renewalMargin, refreshToken, generation);
}
