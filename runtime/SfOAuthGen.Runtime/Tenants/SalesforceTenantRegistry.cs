using System.Collections.Concurrent;

namespace SfOAuthGen.Runtime.Tenants;

/// <summary>
/// The run-time org registry: one <see cref="SalesforceTokenClient"/> per tenant in use, made from settings the app
/// added, its <see cref="ISalesforceTenantSource"/>, or the template; idle clients are evicted (least recently used
/// first beyond <see cref="SalesforceTenantOptions.MaxActiveTenants"/>, and any unused for
/// <see cref="SalesforceTenantOptions.IdleTimeout"/>) while the token store keeps their state. Thread-safe.
/// </summary>
/// <remarks>
/// Isolation comes from <see cref="SalesforceOrgSettings.Tenant"/>: it is part of the chain's identity in this process
/// and of its store key, so two tenants never share a token, a chain, a back-off or a failure, even with equal settings.
/// </remarks>
public sealed class SalesforceTenantRegistry : ISalesforceTenants, IDisposable
{
    private readonly SalesforceTenantOptions _options;
    private readonly SalesforceTokenClientOptions _clientOptions;
    private readonly HttpClient? _ownedHttp;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, SalesforceOrgSettings> _added = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ActiveTenant> _active = new(StringComparer.Ordinal);
    private long _nextSweep;
    private int _sweeping;
    private bool _disposed;

    /// <summary>Creates the registry; no client exists until a tenant is first used.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The options' limits are not positive.</exception>
    public SalesforceTenantRegistry(SalesforceTenantOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxActiveTenants, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.IdleTimeout, TimeSpan.Zero, nameof(options));
        _options = options;
        var client = options.ClientOptions;
        _time = client.TimeProvider ?? TimeProvider.System;
        if (client.HttpClient is null && client.HttpClientSource is null)
        {
            // One connection pool for every tenant: a client of its own each would hold sockets per tenant.
            _ownedHttp = new HttpClient(TransportSecurity.CreateLoginHostHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        }

        _clientOptions = new SalesforceTokenClientOptions
        {
            HttpClient = client.HttpClient ?? _ownedHttp,
            HttpClientSource = client.HttpClientSource,
            LoginUrl = client.LoginUrl,
            SecretResolver = client.SecretResolver,
            TimeProvider = client.TimeProvider,
            RequestTimeout = client.RequestTimeout,
            FailureBackoff = client.FailureBackoff,
            LoggerFactory = client.LoggerFactory,
            MeterFactory = client.MeterFactory,
            TokenStore = client.TokenStore,
            IsolatedTokenState = client.IsolatedTokenState,
            TokenStoreLeaseDuration = client.TokenStoreLeaseDuration,
        };
        _nextSweep = _time.GetTimestamp();
    }

    /// <inheritdoc/>
    public int ActiveCount => _active.Count;

    /// <inheritdoc/>
    public void Add(string tenant, SalesforceOrgSettings settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        ArgumentNullException.ThrowIfNull(settings);
        _added[tenant] = settings with { Tenant = tenant };
        if (_active.TryGetValue(tenant, out var previous))
        {
            TryEvict(tenant, previous, force: true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<SalesforceToken> GetTokenAsync(string tenant, CancellationToken cancellationToken = default) =>
        UseAsync(tenant, 0, static (client, _, cancel) => client.GetTokenAsync(cancel), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<SalesforceToken> RefreshAsync(string tenant, CancellationToken cancellationToken = default) =>
        UseAsync(tenant, 0, static (client, _, cancel) => client.RefreshAsync(cancel), cancellationToken);

    /// <inheritdoc/>
    public void Invalidate(string tenant, SalesforceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (_active.TryGetValue(tenant, out var entry))
        {
            // An evicted tenant has nothing cached here; the next call reads the store, whose copy a 401 does not prove stale,
            // so the renewal after it goes through the usual generation check.
            entry.Client.Invalidate(token);
        }
    }

    /// <inheritdoc/>
    public ValueTask<SalesforceAuthorizationRequest> CreateAuthorizationRequestAsync(string tenant, CancellationToken cancellationToken = default) =>
        UseAsync(tenant, 0, static (client, _, cancel) => client.CreateAuthorizationRequestAsync(cancel), cancellationToken);

    /// <inheritdoc/>
    public Task<SalesforceToken> CompleteAuthorizationAsync(string tenant, string code, string codeVerifier, CancellationToken cancellationToken = default) =>
        UseAsync(
            tenant, (code, codeVerifier),
            static (client, exchange, cancel) => new ValueTask<SalesforceToken>(client.ExchangeAuthorizationCodeAsync(exchange.code, exchange.codeVerifier, cancel)),
            cancellationToken).AsTask();

    /// <inheritdoc/>
    public async Task<bool> RemoveAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var entry = await EnterAsync(tenant, cancellationToken).ConfigureAwait(false);
        bool revoked;
        try
        {
            revoked = await entry.Client.EndChainAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            entry.Exit();
        }

        _added.TryRemove(tenant, out _);
        TryEvict(tenant, entry, force: true);
        return revoked;
    }

    /// <summary>Disposes every tenant's client (their state stays in the token store) and the HTTP client the registry made.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var (tenant, entry) in _active)
        {
            TryEvict(tenant, entry, force: true);
        }

        _ownedHttp?.Dispose();
    }

    /// <summary>Runs <paramref name="use"/> on the tenant's client while it counts as in use (static delegates: no allocation per call).</summary>
    private async ValueTask<T> UseAsync<TState, T>(
        string tenant, TState state, Func<SalesforceTokenClient, TState, CancellationToken, ValueTask<T>> use, CancellationToken cancellationToken)
    {
        var entry = await EnterAsync(tenant, cancellationToken).ConfigureAwait(false);
        try
        {
            return await use(entry.Client, state, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            entry.Exit();
        }
    }

    /// <summary>The tenant's client, counted in use until <see cref="ActiveTenant.Exit"/> so eviction never disposes it under a caller.</summary>
    private async ValueTask<ActiveTenant> EnterAsync(string tenant, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var now = _time.GetTimestamp();
        SweepIfDue(now);
        while (true)
        {
            if (_active.TryGetValue(tenant, out var existing) && existing.TryEnter(now))
            {
                return existing;
            }

            var settings = await ResolveAsync(tenant, cancellationToken).ConfigureAwait(false);
            var created = new ActiveTenant(new SalesforceTokenClient(settings, _clientOptions));
            created.TryEnter(now);
            if (_active.TryAdd(tenant, created))
            {
                if (_active.Count > _options.MaxActiveTenants)
                {
                    Sweep(now, overCapacity: true);
                }

                return created;
            }

            // Another caller added the tenant meanwhile; both clients joined the same chain, so dropping this one loses nothing.
            created.Exit();
            created.Client.Dispose();
        }
    }

    private async ValueTask<SalesforceOrgSettings> ResolveAsync(string tenant, CancellationToken cancellationToken)
    {
        if (_added.TryGetValue(tenant, out var added))
        {
            return added;
        }

        if (_options.Source is { } source && await source.FindAsync(tenant, cancellationToken).ConfigureAwait(false) is { } found)
        {
            return found with { Tenant = tenant };
        }

        if (_options.Template is { } template)
        {
            return SalesforceTenantSettings.Create(template, tenant);
        }

        throw new SalesforceConfigurationException(
            "tenant", null,
            "Salesforce tenant: no settings for this tenant key. Add it (ISalesforceTenants.Add), return it from the ISalesforceTenantSource, or give the registry a template org.");
    }

    private void SweepIfDue(long now)
    {
        if (now >= Volatile.Read(ref _nextSweep))
        {
            Sweep(now, overCapacity: false);
        }
    }

    /// <summary>Evicts idle tenants, and beyond capacity the least recently used ones down to three quarters of it (so sorting is rare).</summary>
    private void Sweep(long now, bool overCapacity)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return; // one sweep at a time; the next caller past the threshold sweeps again
        }

        try
        {
            Volatile.Write(ref _nextSweep, now + IdleTicks / 4);
            var idleBefore = now - IdleTicks;
            var survivors = new List<KeyValuePair<string, ActiveTenant>>(_active.Count);
            foreach (var pair in _active)
            {
                if (pair.Value.LastUsed > idleBefore || !TryEvict(pair.Key, pair.Value, force: false))
                {
                    survivors.Add(pair);
                }
            }

            var target = _options.MaxActiveTenants - (_options.MaxActiveTenants / 4);
            if (overCapacity && survivors.Count > target)
            {
                survivors.Sort(static (a, b) => a.Value.LastUsed.CompareTo(b.Value.LastUsed));
                var excess = survivors.Count - target;
                foreach (var (tenant, entry) in survivors)
                {
                    if (excess == 0)
                    {
                        break;
                    }

                    if (TryEvict(tenant, entry, force: false))
                    {
                        excess--;
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private long IdleTicks => (long)(_options.IdleTimeout.TotalSeconds * _time.TimestampFrequency);

    /// <summary>Drops the tenant's client unless a caller uses it (or regardless, when forced); the chain's state stays in the store.</summary>
    private bool TryEvict(string tenant, ActiveTenant entry, bool force)
    {
        if (!entry.TryRetire(force))
        {
            return false;
        }

        _active.TryRemove(new KeyValuePair<string, ActiveTenant>(tenant, entry));
        entry.Client.Dispose();
        return true;
    }

    /// <summary>One tenant's client in memory, with how many callers use it and when it was last used.</summary>
    private sealed class ActiveTenant(SalesforceTokenClient client)
    {
        private readonly object _gate = new();
        private int _callers;
        private bool _retired;
        private long _lastUsed;

        public SalesforceTokenClient Client { get; } = client;

        public long LastUsed => Volatile.Read(ref _lastUsed);

        public bool TryEnter(long now)
        {
            lock (_gate)
            {
                if (_retired)
                {
                    return false;
                }

                _callers++;
                _lastUsed = now;
                return true;
            }
        }

        public void Exit()
        {
            lock (_gate)
            {
                _callers--;
            }
        }

        public bool TryRetire(bool force)
        {
            lock (_gate)
            {
                if (_retired || (_callers > 0 && !force))
                {
                    return false;
                }

                _retired = true;
                return true;
            }
        }
    }
}
