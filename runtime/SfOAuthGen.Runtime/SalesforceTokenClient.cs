namespace SfOAuthGen.Runtime;

/// <summary>
/// Gets and caches access tokens for one Salesforce org. A valid cached token is returned without I/O; otherwise one
/// caller runs the org's flow and every concurrent caller awaits the same result. Thread-safe.
/// </summary>
public sealed class SalesforceTokenClient : IDisposable
{
    /// <summary>Creates a client for the org described by <paramref name="settings"/>.</summary>
    /// <exception cref="SalesforceConfigurationException">The login URL is not HTTPS (loopback hosts excepted).</exception>
    public SalesforceTokenClient(SalesforceOrgSettings settings, SalesforceTokenClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        throw new NotImplementedException();
    }

    /// <summary>The org's settings.</summary>
    public SalesforceOrgSettings Settings { get; }

    /// <summary>The login URL in use: the options' override, else the settings'.</summary>
    public Uri LoginUrl => throw new NotImplementedException();

    /// <summary>The cached token, valid or not, or <see langword="null"/> before the first one or after <see cref="Invalidate"/>.</summary>
    public SalesforceToken? CurrentToken => throw new NotImplementedException();

    /// <summary>
    /// Returns the cached token while it is valid (no I/O, no allocation); otherwise obtains a new one, renewing with
    /// the refresh token when one is held and running the org's flow otherwise.
    /// </summary>
    /// <exception cref="SalesforceAuthException">Salesforce refused the request, or it could not be completed.</exception>
    /// <exception cref="SalesforceConfigurationException">A secret reference does not resolve.</exception>
    public ValueTask<SalesforceToken> GetTokenAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Obtains a new token now, even if the cached one is valid. Concurrent calls share one request.</summary>
    public ValueTask<SalesforceToken> RefreshAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>
    /// Drops the cached access token (after a 401 <c>INVALID_SESSION_ID</c>, say) so the next call renews it.
    /// When <paramref name="token"/> is given, only that token is dropped: a newer one obtained meanwhile stays.
    /// </summary>
    public void Invalidate(SalesforceToken? token = null) => throw new NotImplementedException();

    /// <summary>Disposes the <see cref="HttpClient"/> the client created, if it created one.</summary>
    public void Dispose() => throw new NotImplementedException();
}
