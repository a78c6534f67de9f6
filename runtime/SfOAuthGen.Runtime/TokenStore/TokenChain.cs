using System.Runtime.ExceptionServices;

namespace SfOAuthGen.Runtime;

/// <summary>
/// One refresh-token chain in this process: the token state, the single flight and the failure back-off that every
/// <see cref="SalesforceTokenClient"/> of the same org shares (the generated static class, the DI registration and
/// <c>CreateClient</c>), so that they send one request between them and never a superseded refresh token.
/// Fields are guarded by <see cref="Gate"/>; <see cref="State"/> is also read without it (replaced as a whole).
/// </summary>
internal sealed class TokenChain
{
    public TokenChain(ISalesforceTokenStore store)
    {
        Store = store;
    }

    public object Gate { get; } = new();

    /// <summary>Where the chain's state outlives this process (or is shared within it).</summary>
    public ISalesforceTokenStore Store { get; }

    // Replaced as a whole, under Gate, so a reader never sees a token paired with the wrong refresh token.
    public TokenState State = TokenState.Empty;

    public Task<SalesforceToken>? Flight;

    public ExceptionDispatchInfo? LastFailure;

    public DateTimeOffset RetryAfter;

    /// <summary>Written only by the running flight: tells a renewal from the first login.</summary>
    public bool HadToken;

    /// <summary>The "rotation with no persistent store" warning is said once per chain.</summary>
    public bool WarnedRotationWithoutStore;

    /// <summary>Clients joined to the chain; guarded by the registry's lock.</summary>
    internal int Clients;
}

/// <summary>The chains of this process, by what identifies them: the store, the clock and the org's settings (with the login URL in use).</summary>
internal static class TokenChains
{
    private static readonly Dictionary<ChainIdentity, TokenChain> s_chains = [];

    /// <summary>The shared chain for <paramref name="identity"/>, created on first use; pair with <see cref="Leave"/>.</summary>
    public static TokenChain Join(ChainIdentity identity)
    {
        lock (s_chains)
        {
            if (!s_chains.TryGetValue(identity, out var chain))
            {
                chain = new TokenChain(identity.Store);
                s_chains.Add(identity, chain);
            }

            chain.Clients++;
            return chain;
        }
    }

    /// <summary>Drops the chain once its last client is gone; its state lives on in the store.</summary>
    public static void Leave(ChainIdentity identity, TokenChain chain)
    {
        lock (s_chains)
        {
            if (--chain.Clients == 0 && s_chains.TryGetValue(identity, out var registered) && ReferenceEquals(registered, chain))
            {
                s_chains.Remove(identity);
            }
        }
    }

    /// <summary>Chains currently in the registry (for tests).</summary>
    internal static int Count
    {
        get
        {
            lock (s_chains)
            {
                return s_chains.Count;
            }
        }
    }
}

/// <summary>
/// What makes two clients share a chain in one process. Settings compare by value, so the static class, DI and
/// <c>CreateClient</c> of one org match; the store and the clock compare by reference (a test's fake clock isolates it).
/// </summary>
internal readonly record struct ChainIdentity(ISalesforceTokenStore Store, TimeProvider Clock, SalesforceOrgSettings Settings);
