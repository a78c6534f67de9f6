using System.Runtime.CompilerServices;

namespace SfOAuthGen.Runtime;

/// <summary>
/// One org as its generated static class exposes it: the settings from <c>sfauth.json</c> and a shared
/// <see cref="SalesforceTokenClient"/>, created on first use and replaced by <see cref="Configure"/>. Thread-safe.
/// </summary>
/// <remarks>
/// The generated class holds one instance and delegates every member to it, so the lazy creation and the replacement
/// are written and tested here once rather than in every generated file.
/// </remarks>
public sealed class SalesforceOrg
{
    private readonly object _gate = new();
    private SalesforceTokenClient? _client; // written under _gate, read without it (Volatile) on the hot path

    /// <summary>Creates the org; no client exists until <see cref="Client"/> or a token is first asked for.</summary>
    /// <param name="settings">The org's settings: values and secret references, never secret values.</param>
    public SalesforceOrg(SalesforceOrgSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
    }

    /// <summary>The org's settings.</summary>
    public SalesforceOrgSettings Settings { get; }

    /// <summary>The shared token client, created with default options on first use; <see cref="Configure"/> replaces it.</summary>
    public SalesforceTokenClient Client
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _client) ?? CreateShared();
    }

    /// <summary>
    /// Points the shared client at other options (a recorded-response server, an HttpClient from DI, …) and disposes
    /// the previous shared client. With equal settings, login URL, store and clock, the new client continues the
    /// previous one's token state.
    /// </summary>
    /// <param name="options">How the new shared client reaches Salesforce, resolves secrets and tells the time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="SalesforceConfigurationException">The options, with the settings, do not make a valid client.</exception>
    public void Configure(SalesforceTokenClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Created (and so joined to its token chain) before the previous client leaves it: a chain both share is never dropped.
        var replacement = new SalesforceTokenClient(Settings, options);
        SalesforceTokenClient? previous;
        lock (_gate)
        {
            previous = _client;
            Volatile.Write(ref _client, replacement);
        }

        previous?.Dispose();
    }

    /// <summary>
    /// Gets an access token through the shared client: the cached one while it is valid (no I/O, no allocation),
    /// otherwise a new one, with concurrent callers sharing one request.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait, and the request when no other caller needs it.</param>
    /// <returns>The access token and the instance URL to call.</returns>
    /// <exception cref="SalesforceAuthException">Salesforce refused the request, or it could not be completed.</exception>
    /// <exception cref="SalesforceConfigurationException">A secret reference does not resolve.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<SalesforceToken> GetTokenAsync(CancellationToken cancellationToken = default) =>
        Client.GetTokenAsync(cancellationToken);

    /// <summary>Obtains a new access token through the shared client now, even if the cached one is valid.</summary>
    /// <param name="cancellationToken">Cancels the wait, and the request when no other caller needs it.</param>
    /// <returns>The new access token and the instance URL to call.</returns>
    /// <exception cref="SalesforceAuthException">Salesforce refused the request, or it could not be completed.</exception>
    /// <exception cref="SalesforceConfigurationException">A secret reference does not resolve.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<SalesforceToken> RefreshAsync(CancellationToken cancellationToken = default) =>
        Client.RefreshAsync(cancellationToken);

    /// <summary>Drops the shared client's cached access token (after a 401 <c>INVALID_SESSION_ID</c>, say) so the next call renews it.</summary>
    /// <param name="token">When given, only this token is dropped: a newer one obtained meanwhile stays.</param>
    /// <remarks>Before the shared client exists nothing is cached, and none is created just to be invalidated.</remarks>
    public void Invalidate(SalesforceToken? token = null) =>
        Volatile.Read(ref _client)?.Invalidate(token);

    /// <summary>
    /// Creates a token client for the org with its own options. It shares the org's token state with the other clients of
    /// the same settings, login URL, store and clock unless <see cref="SalesforceTokenClientOptions.IsolatedTokenState"/> is set.
    /// </summary>
    /// <param name="options">The HttpClient, login URL override, secret resolver and clock to use; defaults when null.</param>
    /// <returns>A new client the caller owns and disposes.</returns>
    /// <exception cref="SalesforceConfigurationException">The options, with the settings, do not make a valid client.</exception>
    public SalesforceTokenClient CreateClient(SalesforceTokenClientOptions? options = null) =>
        new(Settings, options);

    /// <summary>The shared client if one exists yet, without creating it (for tests).</summary>
    internal SalesforceTokenClient? SharedClientIfCreated => Volatile.Read(ref _client);

    // Off the inlined getter: taken once per org (or never, after an early Configure).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private SalesforceTokenClient CreateShared()
    {
        lock (_gate)
        {
            if (_client is { } existing)
            {
                return existing; // another caller, or Configure, got here first
            }

            var created = new SalesforceTokenClient(Settings);
            Volatile.Write(ref _client, created);
            return created;
        }
    }
}
