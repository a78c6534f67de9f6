using System.Collections.Concurrent;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Keeps token states in this process's memory: the default store. Clients of the same org in one process share their
/// chain through it; nothing survives a restart, so with refresh-token rotation on, use a persistent store
/// (<see cref="FileTokenStore"/>, or Redis from <c>SfOAuthGen.Redis</c>) for services that restart or run as several instances.
/// </summary>
public sealed class MemoryTokenStore : ISalesforceTokenStore
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The process-wide store every token client uses unless given another.</summary>
    public static MemoryTokenStore Shared { get; } = new();

    /// <inheritdoc/>
    public string Description => "memory (this process only)";

    /// <inheritdoc/>
    public bool IsPersistent => false;

    /// <inheritdoc/>
    public ValueTask<StoredTokenState?> ReadAsync(string key, CancellationToken cancellationToken = default) =>
        new(_entries.TryGetValue(key, out var entry) ? Volatile.Read(ref entry.State) : null);

    /// <inheritdoc/>
    public ValueTask<bool> TryWriteAsync(string key, StoredTokenState state, long expectedGeneration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        lock (entry)
        {
            if ((entry.State?.Generation ?? 0) != expectedGeneration)
            {
                return new ValueTask<bool>(false);
            }

            Volatile.Write(ref entry.State, state);
            return new ValueTask<bool>(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IAsyncDisposable?> TryAcquireLeaseAsync(string key, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        var now = Environment.TickCount64;
        lock (entry)
        {
            if (entry.LeaseHolder is not null && now < entry.LeaseUntil)
            {
                return new ValueTask<IAsyncDisposable?>((IAsyncDisposable?)null);
            }

            var lease = new Lease(entry);
            entry.LeaseHolder = lease;
            entry.LeaseUntil = now + (long)duration.TotalMilliseconds;
            return new ValueTask<IAsyncDisposable?>(lease);
        }
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            lock (entry)
            {
                Volatile.Write(ref entry.State, null);
            }
        }

        return ValueTask.CompletedTask;
    }

    private sealed class Entry
    {
        public StoredTokenState? State;
        public Lease? LeaseHolder;
        public long LeaseUntil;
    }

    private sealed class Lease(Entry entry) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (entry)
            {
                // Only the holder releases: a lease that lapsed and was taken by another stays theirs.
                if (ReferenceEquals(entry.LeaseHolder, this))
                {
                    entry.LeaseHolder = null;
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
