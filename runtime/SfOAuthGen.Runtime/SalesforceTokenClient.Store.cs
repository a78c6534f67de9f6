using Microsoft.Extensions.Logging;

namespace SfOAuthGen.Runtime;

// Renewal through the token store: adopt what another client or process obtained, else renew under the store's lease
// and write the result with a compare-and-set on the generation. Kept apart from the caching core.
public sealed partial class SalesforceTokenClient
{
    /// <summary>How often "token request is already being processed" is treated as contention and retried.</summary>
    private const int MaxContentionRetries = 4;

    private static readonly TimeSpan ContentionDelay = TimeSpan.FromMilliseconds(200);

    private CachedStoreKey? _storeKey;

    private async Task<(TokenState State, SalesforceFlow Flow)> RenewThroughStoreAsync(TokenState from, CancellationToken stopping)
    {
        var store = _chain.Store;
        var key = await StoreKeyAsync(stopping).ConfigureAwait(false);
        var deadline = Environment.TickCount64 + (2 * (long)_leaseDuration.TotalMilliseconds);
        var poll = 10;
        var contention = 0;
        while (true)
        {
            var stored = await ReadStoreAsync(store, key, stopping).ConfigureAwait(false);
            if (Adoptable(stored, from) is { } adopted)
            {
                return (adopted, Settings.Flow);
            }

            var lease = await TryLeaseAsync(store, key, stopping).ConfigureAwait(false);
            if (lease is null)
            {
                // Another client or process is renewing: wait for its state rather than send the same refresh token.
                if (Environment.TickCount64 > deadline)
                {
                    throw StoreFailure(store, $"the renewal lease stayed taken for {2 * _leaseDuration.TotalSeconds:0} s; the process holding it may be hung", null);
                }

                await Task.Delay(poll, stopping).ConfigureAwait(false);
                poll = Math.Min(poll * 2, 200);
                continue;
            }

            try
            {
                return await RenewUnderLeaseAsync(store, key, from, stopping).ConfigureAwait(false);
            }
            catch (SalesforceAuthException ex) when (TokenErrorHints.IsAlreadyBeingProcessed(ex))
            {
                // Salesforce is still answering someone else's refresh with this token: contention, not failure.
                if (++contention > MaxContentionRetries)
                {
                    throw new SalesforceAuthException(
                        Settings.Name, ex.Flow, ex.Error, ex.ErrorDescription, ex.StatusCode, isTransient: true,
                        "Another client kept refreshing with the same refresh token. Share one token store between every process of the org (AddRedisTokenStore or AddFileTokenStore).", ex);
                }
            }
            finally
            {
                await ReleaseAsync(lease).ConfigureAwait(false);
            }

            await Task.Delay(ContentionDelay * contention, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Holding the lease: read once more, then renew with the chain's latest refresh token and write the result.</summary>
    private async Task<(TokenState State, SalesforceFlow Flow)> RenewUnderLeaseAsync(ISalesforceTokenStore store, string key, TokenState from, CancellationToken stopping)
    {
        var stored = await ReadStoreAsync(store, key, stopping).ConfigureAwait(false);
        if (Adoptable(stored, from) is { } adopted)
        {
            return (adopted, Settings.Flow);
        }

        var current = Latest(stored, from);
        var grant = await _grants.RenewAsync(current.RefreshToken, stopping).ConfigureAwait(false);
        var next = Next(grant.Token, grant.RefreshToken, Math.Max(stored?.Generation ?? 0, from.Generation) + 1);
        if (current.RefreshToken is not null && next.RefreshToken != current.RefreshToken)
        {
            OnRotated(store);
        }

        return (await WriteAsync(store, key, next, stored?.Generation ?? 0, stopping).ConfigureAwait(false), grant.Flow);
    }

    /// <summary>The stored state when it is newer than the local one and still fresh: someone else already renewed.</summary>
    private TokenState? Adoptable(StoredTokenState? stored, TokenState from)
    {
        if (stored?.Token is not { } token || stored.Generation <= from.Generation || _time.GetUtcNow() >= token.ExpiresAt - _renewalMargin)
        {
            return null;
        }

        Log.Adopted(_telemetry.Logger, Settings.Name, stored.Generation);
        return Next(token, stored.RefreshToken, stored.Generation);
    }

    /// <summary>Whichever of the stored and the local state is newer: its refresh token is the only one that may be sent.</summary>
    private TokenState Latest(StoredTokenState? stored, TokenState from) =>
        stored is not null && stored.Generation >= from.Generation
            ? new TokenState(stored.Token, stored.Token is null ? DateTimeOffset.MinValue : stored.Token.ExpiresAt - _renewalMargin, stored.RefreshToken, stored.Generation)
            : from;

    private async Task<TokenState> WriteAsync(ISalesforceTokenStore store, string key, TokenState next, long expected, CancellationToken stopping)
    {
        var state = new StoredTokenState(next.Generation, next.Token, next.RefreshToken, Settings.Name);
        try
        {
            if (await store.TryWriteAsync(key, state, expected, stopping).ConfigureAwait(false))
            {
                return next;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // Salesforce has already rotated: the new state must not be lost, so it stays here and the next renewal writes it.
            Log.WriteFailed(_telemetry.Logger, Settings.Name, store.Description, ex.GetType().Name, ex);
            return next;
        }

        // Only a writer whose lease lapsed gets here; the newer stored rotation wins over ours.
        Log.LostRace(_telemetry.Logger, Settings.Name, store.Description);
        var newer = await ReadStoreAsync(store, key, stopping).ConfigureAwait(false);
        return newer is null ? next : Latest(newer, next);
    }

    // The store calls fail as a transient error naming the store, so no refresh token is sent blind. Not generic over a
    // delegate: a completed ValueTask (the memory store's) then costs no allocation.
    private async ValueTask<StoredTokenState?> ReadStoreAsync(ISalesforceTokenStore store, string key, CancellationToken stopping)
    {
        try
        {
            return await store.ReadAsync(key, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw StoreFailure(store, $"it could not be reached or read ({ex.GetType().Name})", ex);
        }
    }

    private async ValueTask<IAsyncDisposable?> TryLeaseAsync(ISalesforceTokenStore store, string key, CancellationToken stopping)
    {
        try
        {
            return await store.TryAcquireLeaseAsync(key, _leaseDuration, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw StoreFailure(store, $"it could not be reached ({ex.GetType().Name})", ex);
        }
    }

    /// <summary>
    /// The chain's store key. Resolved values can change (configuration reload, a new refresh token after
    /// <c>sfauth login</c>), so they are resolved each time; the hash is redone only when one of them did change.
    /// </summary>
    private async ValueTask<string> StoreKeyAsync(CancellationToken cancellationToken)
    {
        var inputs = await TokenStoreKey.ResolveAsync(Settings, new OrgSecrets(Settings, _resolver), cancellationToken).ConfigureAwait(false);
        var cached = Volatile.Read(ref _storeKey);
        if (cached is not null && cached.Inputs == inputs)
        {
            return cached.Key;
        }

        var key = TokenStoreKey.Compute(LoginUrl, Settings, inputs);
        Volatile.Write(ref _storeKey, new CachedStoreKey(inputs, key));
        return key;
    }

    private SalesforceAuthException StoreFailure(ISalesforceTokenStore store, string what, Exception? inner) =>
        new(Settings.Name, Settings.Flow, "token_store_unavailable", $"token store {store.Description}: {what}", null, isTransient: true,
            "No token request was sent, so no superseded refresh token could be. A still-valid access token keeps being served; renewal resumes when the store is back.",
            inner);

    private async Task ReleaseAsync(IAsyncDisposable lease)
    {
        try
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease lapses by itself; the renewal's outcome stands.
            Log.ReleaseFailed(_telemetry.Logger, Settings.Name, _chain.Store.Description, ex.GetType().Name);
        }
    }

    private void OnRotated(ISalesforceTokenStore store)
    {
        if (store.IsPersistent)
        {
            return;
        }

        lock (_chain.Gate)
        {
            if (_chain.WarnedRotationWithoutStore)
            {
                return;
            }

            _chain.WarnedRotationWithoutStore = true;
        }

        Log.RotatedWithoutPersistentStore(_telemetry.Logger, Settings.Name, store.Description);
    }

    /// <summary>After an authorization-code exchange: the new chain's first state, written to the store.</summary>
    private async Task<TokenState> PersistExchangeAsync(SalesforceToken token, CancellationToken cancellationToken)
    {
        var store = _chain.Store;
        var from = Volatile.Read(ref _chain.State);
        var key = await StoreKeyAsync(cancellationToken).ConfigureAwait(false);
        StoredTokenState? stored = null;
        try
        {
            stored = await store.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.WriteFailed(_telemetry.Logger, Settings.Name, store.Description, ex.GetType().Name, ex);
        }

        var next = Next(token, token.RefreshToken ?? from.RefreshToken, Math.Max(stored?.Generation ?? 0, from.Generation) + 1);
        return await WriteAsync(store, key, next, stored?.Generation ?? 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the chain's refresh token was revoked: nobody may adopt the stored copy any more.</summary>
    private async Task ForgetStoredChainAsync(CancellationToken cancellationToken)
    {
        var store = _chain.Store;
        try
        {
            var key = await StoreKeyAsync(cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The stored refresh token is revoked at Salesforce either way; a client that adopts it gets invalid_grant.
            Log.WriteFailed(_telemetry.Logger, Settings.Name, store.Description, ex.GetType().Name, ex);
        }
    }

    private sealed record CachedStoreKey(TokenStoreKeyInputs Inputs, string Key);

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, EventName = "TokenAdopted", Level = LogLevel.Debug,
            Message = "Salesforce org '{Org}': using the token another client or process obtained (generation {Generation}) instead of a new request.")]
        public static partial void Adopted(ILogger logger, string org, long generation);

        [LoggerMessage(EventId = 11, EventName = "RotatedWithoutPersistentStore", Level = LogLevel.Warning,
            Message = "Salesforce org '{Org}': Salesforce rotated the refresh token, and the token store ({Store}) does not outlive this process: the next start will send a superseded refresh token, which revokes the chain. Use a persistent store (AddFileTokenStore, AddRedisTokenStore, or SalesforceTokenClientOptions.TokenStore).")]
        public static partial void RotatedWithoutPersistentStore(ILogger logger, string org, string store);

        [LoggerMessage(EventId = 12, EventName = "TokenStoreWriteFailed", Level = LogLevel.Error,
            Message = "Salesforce org '{Org}': the token store ({Store}) could not be written or read ({ErrorType}); the new token state is kept in this process and written at the next renewal.")]
        public static partial void WriteFailed(ILogger logger, string org, string store, string errorType, Exception exception);

        [LoggerMessage(EventId = 13, EventName = "TokenStoreRaceLost", Level = LogLevel.Warning,
            Message = "Salesforce org '{Org}': another process wrote a newer token state to {Store} while this one renewed (its lease had lapsed); the newer state wins.")]
        public static partial void LostRace(ILogger logger, string org, string store);

        [LoggerMessage(EventId = 14, EventName = "TokenStoreLeaseReleaseFailed", Level = LogLevel.Warning,
            Message = "Salesforce org '{Org}': the renewal lease in {Store} could not be released ({ErrorType}); it lapses by itself.")]
        public static partial void ReleaseFailed(ILogger logger, string org, string store, string errorType);

        [LoggerMessage(EventId = 15, EventName = "TokenStoreLeaseShorterThanRequest", Level = LogLevel.Warning,
            Message = "Salesforce org '{Org}': TokenStoreLeaseDuration ({LeaseSeconds} s) does not outlast RequestTimeout ({RequestTimeout}): a slow renewal can outlive its lease, and another client or process would then send a refresh token Salesforce has already rotated, which revokes the chain. Leave TokenStoreLeaseDuration unset (RequestTimeout + 10 s) or make it longer than RequestTimeout.")]
        public static partial void LeaseShorterThanRequest(ILogger logger, string org, double leaseSeconds, string requestTimeout);
    }
}
