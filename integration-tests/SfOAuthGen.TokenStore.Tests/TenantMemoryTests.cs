using System.Net;
using System.Text;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.Tenants;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>Heap measurements need the process to themselves: no other test class runs beside this one.</summary>
[CollectionDefinition(nameof(TenantMemoryTests), DisableParallelization = true)]
public sealed class TenantMemoryCollection
{
}

/// <summary>Idle tenants' clients leave memory: 10,000 tenants cost no more heap than the first thousand.</summary>
[Collection(nameof(TenantMemoryTests))]
public sealed class TenantMemoryTests
{
    private const int MaxActive = 100;

    [Fact]
    public async Task Ten_thousand_tenants_keep_the_managed_heap_bounded_as_idle_clients_are_evicted()
    {
        // The state goes to a store outside the process (a database, Redis): here one that keeps nothing, so the heap
        // measured is the registry's own. The token endpoint answers in-process: no server's bookkeeping grows either.
        using var http = new HttpClient(new TokenEndpointStub());
        using var tenants = new SalesforceTenantRegistry(new SalesforceTenantOptions
        {
            MaxActiveTenants = MaxActive,
            Source = new TenantTable(), // the app's database: settings are looked up, not held
            ClientOptions = new SalesforceTokenClientOptions { HttpClient = http, TokenStore = new ExternalStore(), FailureBackoff = TimeSpan.Zero },
        });

        async Task ServeAsync(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                await tenants.GetTokenAsync("tenant-" + i);
            }
        }

        await ServeAsync(0, 1_000);
        var baseline = Heap();
        await ServeAsync(1_000, 10_000);
        var final = Heap();

        Assert.InRange(tenants.ActiveCount, 1, MaxActive);
        Assert.InRange(TokenChains.Count, 0, MaxActive + 50); // + chains of no other test: this collection runs alone
        // Generous: a client with its chain and token costs kilobytes, so 9,000 retained ones would be tens of megabytes.
        var perTenant = (final - baseline) / 9_000.0;
        Assert.True(final - baseline < 2_000_000, $"the heap grew {final - baseline:N0} bytes over 9,000 more tenants ({perTenant:N0} per tenant; baseline {baseline:N0})");
        Console.WriteLine($"tenant heap: baseline {baseline:N0} bytes after 1,000 tenants, {final:N0} after 10,000 ({perTenant:N0} bytes per added tenant), {tenants.ActiveCount} clients in memory");
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Tenants' settings as an app's table would give them: made on each lookup.</summary>
    private sealed class TenantTable : ISalesforceTenantSource
    {
        private static readonly SalesforceOrgSettings Template = new()
        {
            Name = "Customers",
            LoginUrl = new Uri("https://login.salesforce.com"),
            Flow = SalesforceFlow.RefreshToken,
            ClientId = SecretReference.Literal("3MVG9FAKECLIENTIDFORTHEMEMORYTEST"),
            VerifySignature = false,
        };

        public ValueTask<SalesforceOrgSettings?> FindAsync(string tenant, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<SalesforceOrgSettings?>(SalesforceTenantSettings.Create(Template, tenant, refreshToken: SecretReference.Literal("5Aep861FAKE" + tenant)));
    }

    /// <summary>Salesforce's token endpoint in miniature: every refresh gets a fresh access token, no rotation.</summary>
    private sealed class TokenEndpointStub : HttpMessageHandler
    {
        private int _issued;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _issued);
            var body = $$"""{"access_token":"00D000000000001!FAKE{{n:D40}}","instance_url":"https://tenant.my.salesforce.com","token_type":"Bearer","issued_at":"{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}"}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    /// <summary>A store whose data lives elsewhere (nothing in this heap): reads find nothing, writes succeed, leases are free.</summary>
    private sealed class ExternalStore : ISalesforceTokenStore
    {
        public string Description => "external";

        public bool IsPersistent => true;

        public ValueTask<StoredTokenState?> ReadAsync(string key, CancellationToken cancellationToken = default) => ValueTask.FromResult<StoredTokenState?>(null);

        public ValueTask<bool> TryWriteAsync(string key, StoredTokenState state, long expectedGeneration, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);

        public ValueTask<IAsyncDisposable?> TryAcquireLeaseAsync(string key, TimeSpan duration, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IAsyncDisposable?>(Lease.Instance);

        public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        private sealed class Lease : IAsyncDisposable
        {
            public static readonly Lease Instance = new();

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
