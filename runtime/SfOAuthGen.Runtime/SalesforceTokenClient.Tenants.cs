namespace SfOAuthGen.Runtime;

// Ending a tenant's chain for good (SalesforceTenantRegistry.RemoveAsync): revoke its newest refresh token, wherever it
// is held, and delete its state from memory and the store. Kept apart from the caching core.
public sealed partial class SalesforceTokenClient
{
    /// <summary>
    /// Revokes the chain's newest refresh token (the store's when it is newer than this process's, else this process's,
    /// else the configured one; the access token when there is no refresh token), then forgets the chain in memory and
    /// deletes it from the store.
    /// </summary>
    /// <returns>Whether a revocation was sent (nothing is sent for a tenant that never got a token).</returns>
    /// <exception cref="SalesforceAuthException">The revocation failed transiently, or the store could not be read: nothing was deleted, so removing again retries.</exception>
    internal async Task<bool> EndChainAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        await WaitForFlightAsync(cancellationToken).ConfigureAwait(false);
        var store = _chain.Store;
        var key = await StoreKeyAsync(cancellationToken).ConfigureAwait(false);
        var stored = await ReadStoreAsync(store, key, cancellationToken).ConfigureAwait(false);
        var latest = Latest(stored, Volatile.Read(ref _chain.State));
        var token = latest.RefreshToken
            ?? await new OrgSecrets(Settings, _resolver).OptionalAsync("refreshToken", Settings.RefreshToken, cancellationToken).ConfigureAwait(false)
            ?? latest.Token?.AccessToken;

        if (token is not null)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            try
            {
                await _oauth.RevokeAsync(token, linked.Token).ConfigureAwait(false);
            }
            catch (SalesforceAuthException ex) when (!ex.IsTransient)
            {
                // invalid_token: Salesforce no longer knows the token (revoked by the customer's admin, expired): nothing left to end.
            }
        }

        lock (_chain.Gate)
        {
            Volatile.Write(ref _chain.State, new TokenState(null, DateTimeOffset.MinValue, null, Math.Max(latest.Generation, _chain.State.Generation)));
            _chain.LastFailure = null;
        }

        await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        return token is not null;
    }
}
