namespace SfOAuthGen.Runtime;

/// <summary>
/// Holds each org's token state (access token, instance URL, expiry, the current refresh token and a generation number)
/// and a renewal lease, so that every client of a refresh-token chain — in this process, in other processes, and after a
/// restart — sees the same chain and no one ever sends a superseded refresh token.
/// </summary>
/// <remarks>
/// <para>
/// The token client keeps the state in memory in front of the store: a cached token costs no store I/O. The store is read
/// when the local token is stale and written after each renewal. Renewal follows one protocol whatever the store:
/// read; adopt a newer fresh state if there is one; otherwise take the lease, read again, renew, and write with
/// <see cref="TryWriteAsync"/> expecting the generation that was read, then release the lease.
/// </para>
/// <para>
/// Keys are opaque strings made by the runtime from a hash of what identifies the token (login host, client id, user,
/// flow, scope, the configured refresh token's fingerprint); they never hold a secret. Implementations must be
/// thread-safe. Built in: <see cref="MemoryTokenStore"/> (the default), <see cref="FileTokenStore"/>; Redis in the
/// <c>SfOAuthGen.Redis</c> package.
/// </para>
/// </remarks>
public interface ISalesforceTokenStore
{
    /// <summary>What the store is, for error messages and logs (for example <c>Redis at 127.0.0.1:6379</c>); never a password.</summary>
    string Description { get; }

    /// <summary>
    /// Whether the state outlives the process. When it does not, a rotated refresh token is lost on restart and the next
    /// start sends a superseded one; the client logs a warning when that happens.
    /// </summary>
    bool IsPersistent { get; }

    /// <summary>Reads the state stored under <paramref name="key"/>, or <see langword="null"/> when there is none.</summary>
    /// <exception cref="Exception">The store cannot be reached or its content cannot be read; the client reports it as transient.</exception>
    ValueTask<StoredTokenState?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="state"/> only if the stored generation is still <paramref name="expectedGeneration"/>
    /// (0 when nothing is stored): a compare-and-set, so a writer that lost its lease can never overwrite a newer rotation.
    /// </summary>
    /// <returns><see langword="true"/> when written; <see langword="false"/> when another writer got there first.</returns>
    ValueTask<bool> TryWriteAsync(string key, StoredTokenState state, long expectedGeneration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the renewal lease of <paramref name="key"/> for at most <paramref name="duration"/> (after which it lapses,
    /// should its holder die), or returns <see langword="null"/> at once when someone else holds it.
    /// Disposing the returned lease releases it, and only if it is still this holder's.
    /// </summary>
    ValueTask<IAsyncDisposable?> TryAcquireLeaseAsync(string key, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Deletes the state stored under <paramref name="key"/> (after the chain's refresh token was revoked).</summary>
    ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default);
}
