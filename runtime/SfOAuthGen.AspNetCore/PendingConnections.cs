using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SfOAuthGen.AspNetCore;

/// <summary>
/// Connections started and not yet called back: each <c>state</c> (128 random bits) names its tenant, PKCE verifier and
/// the hash of the browser binding (a cookie set at the start), is taken once, and expires. Bounded: expired entries are
/// swept, and beyond the limit new starts are refused.
/// </summary>
internal sealed class PendingConnections(SalesforceConnectOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private long _nextSweep;

    public bool TryAdd(string state, string tenant, string codeVerifier, string browserBinding)
    {
        var now = time.GetUtcNow();
        if (now.UtcTicks >= Volatile.Read(ref _nextSweep) || _pending.Count >= options.MaxPendingConnections)
        {
            Sweep(now);
        }

        return _pending.Count < options.MaxPendingConnections
            && _pending.TryAdd(state, new Pending(tenant, codeVerifier, Hash(browserBinding), now + options.StateLifetime));
    }

    /// <summary>
    /// Takes the connection named by <paramref name="state"/>: whatever the outcome, the state cannot be used again.
    /// <paramref name="sameBrowser"/> says whether <paramref name="browserBinding"/> is the one set when it started.
    /// </summary>
    public bool TryTake(string? state, string? browserBinding, out string tenant, out string codeVerifier, out bool sameBrowser)
    {
        tenant = codeVerifier = string.Empty;
        sameBrowser = false;
        if (string.IsNullOrEmpty(state) || !_pending.TryRemove(state, out var pending) || time.GetUtcNow() >= pending.ExpiresAt)
        {
            return false;
        }

        sameBrowser = browserBinding is not null && CryptographicOperations.FixedTimeEquals(Hash(browserBinding), pending.BrowserBindingHash);
        (tenant, codeVerifier) = (pending.Tenant, pending.CodeVerifier);
        return true;
    }

    private static byte[] Hash(string browserBinding) => SHA256.HashData(Encoding.UTF8.GetBytes(browserBinding));

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

    private sealed record Pending(string Tenant, string CodeVerifier, byte[] BrowserBindingHash, DateTimeOffset ExpiresAt)
    {
        // The verifier is a credential of the exchange: never printed.
        public override string ToString() => nameof(Pending);
    }
}
