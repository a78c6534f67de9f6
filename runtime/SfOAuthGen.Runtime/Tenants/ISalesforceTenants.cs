namespace SfOAuthGen.Runtime.Tenants;

/// <summary>
/// Orgs known only at run time — one connected app, many customer orgs or users — by a key the app chooses (tenant id,
/// user id). Each tenant has its own token, refresh-token chain, back-off and stored state; idle tenants' clients are
/// evicted from memory while the token store keeps their state. Thread-safe.
/// </summary>
public interface ISalesforceTenants
{
    /// <summary>Tenants whose clients are in memory now (evicted and never-used ones are not counted).</summary>
    int ActiveCount { get; }

    /// <summary>Adds <paramref name="tenant"/>, or replaces its settings (its in-memory client is dropped; the stored state stays).</summary>
    /// <param name="tenant">The app's key for the tenant.</param>
    /// <param name="settings">The tenant's settings; <see cref="SalesforceOrgSettings.Tenant"/> is set to <paramref name="tenant"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is empty.</exception>
    void Add(string tenant, SalesforceOrgSettings settings);

    /// <summary>The tenant's access token: the cached one while valid, else a new one (one request however many callers ask).</summary>
    /// <exception cref="SalesforceConfigurationException">The tenant is unknown, or its settings are incomplete (not connected yet).</exception>
    /// <exception cref="SalesforceAuthException">Salesforce refused the request, or it could not be completed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<SalesforceToken> GetTokenAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>A new access token for the tenant now, even if the cached one is valid.</summary>
    /// <exception cref="SalesforceConfigurationException">The tenant is unknown, or its settings are incomplete.</exception>
    /// <exception cref="SalesforceAuthException">Salesforce refused the request, or it could not be completed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<SalesforceToken> RefreshAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Drops the tenant's cached access token (after a 401 <c>INVALID_SESSION_ID</c>); only <paramref name="token"/> when given.</summary>
    void Invalidate(string tenant, SalesforceToken? token = null);

    /// <summary>Starts the web-server + PKCE flow for the tenant: the authorize URL, <c>state</c> and verifier (see <see cref="SalesforceAuthorizationRequest"/>).</summary>
    /// <exception cref="SalesforceConfigurationException">The tenant is unknown, or has no client id or redirect URI.</exception>
    ValueTask<SalesforceAuthorizationRequest> CreateAuthorizationRequestAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Exchanges the authorization code for the tenant and stores the refresh token in the token store under the tenant's key.</summary>
    /// <returns>The tenant's first access token.</returns>
    /// <exception cref="SalesforceAuthException">Salesforce refused the code or verifier, or the request failed.</exception>
    Task<SalesforceToken> CompleteAuthorizationAsync(string tenant, string code, string codeVerifier, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the tenant: revokes its refresh token at Salesforce, deletes its state from memory and the token store,
    /// and forgets settings added with <see cref="Add"/>. Other tenants are untouched.
    /// </summary>
    /// <returns>Whether a revocation was sent (none for a tenant that never got a token).</returns>
    /// <exception cref="SalesforceAuthException">The revocation failed transiently: nothing was deleted; remove again later.</exception>
    Task<bool> RemoveAsync(string tenant, CancellationToken cancellationToken = default);
}
