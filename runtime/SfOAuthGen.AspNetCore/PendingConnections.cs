using System.Collections.Concurrent;

namespace SfOAuthGen.AspNetCore;

/// <summary>
/// Connections started and not yet called back: each <c>state</c> (128 random bits) names its tenant and PKCE verifier,
/// is taken once, and expires. Bounded: expired entries are swept, and beyond the limit new starts are refused.
/// </summary>
internal sealed class PendingConnections(SalesforceConnectOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private long _nextSweep;

    public bool TryAdd(string state, string tenant, string codeVerifier)
    {
        var now = time.GetUtcNow();
        if (now.UtcTicks >= Volatile.Read(ref _nextSweep) || _pending.Count >= options.MaxPendingConnections)
        {
            Sweep(now);
        }

        return _pending.Count < options.MaxPendingConnections && _pending.TryAdd(state, new Pending(tenant, codeVerifier, now + options.StateLifetime));
    }

    /// <summary>Takes the connection named by <paramref name="state"/>: whatever the outcome, the state cannot be used again.</summary>
    public bool TryTake(string? state, out string tenant, out string codeVerifier)
    {
        tenant = codeVerifier = string.Empty;
        if (string.IsNullOrEmpty(state) || !_pending.TryRemove(state, out var pending) || time.GetUtcNow() >= pending.ExpiresAt)
        {
            return false;
        }

        (tenant, codeVerifier) = (pending.Tenant, pending.CodeVerifier);
        return true;
    }

    private void Sweep(DateTimeOffset now)
    {
        Volatile.Write(ref _nextSweep, (now + (options.StateLifetime / 4)).UtcTicks);
        foreach (var (state, pending) in _pending)
        {
            if (now >= pending.ExpiresAt)
            {
                _pending.TryRemove(new KeyValuePair<string, Pending>(state, pending));
            }
        }
    }

    private sealed record Pending(string Tenant, string CodeVerifier, DateTimeOffset ExpiresAt)
    {
        // The verifier is a credential of the exchange: never printed.
        public override string ToString() => nameof(Pending);
    }
}
