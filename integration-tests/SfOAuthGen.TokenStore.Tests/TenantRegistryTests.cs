using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.Tenants;
using SfOAuthGen.TokenStore.Tests.Infrastructure;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>The registry's own rules: eviction never pulls a client from under a caller; unknown tenants are a clear error.</summary>
public sealed class TenantRegistryTests
{
    [Fact]
    public async Task A_tenant_whose_renewal_is_in_flight_is_not_evicted_when_capacity_is_exceeded()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var server = salesforce.Authorization;
        using var tenants = new SalesforceTenantRegistry(new SalesforceTenantOptions
        {
            MaxActiveTenants = 1,
            ClientOptions = new SalesforceTokenClientOptions { TokenStore = new MemoryTokenStore(), FailureBackoff = TimeSpan.Zero },
        });
        foreach (var id in new[] { "busy", "b", "c", "d" })
        {
            tenants.Add(id, TenantTests.Tenant(salesforce, id, server.IssueRefreshToken("user-" + id)));
        }

        Task<SalesforceToken> busy;
        Task<SalesforceToken>[] others;
        using (server.HoldRefreshes())
        {
            busy = tenants.GetTokenAsync("busy").AsTask();
            await WaitUntilAsync(() => server.PendingRefreshes == 1);
            // Three more tenants while "busy" waits: each addition sweeps the registry down to capacity.
            others = new[] { "b", "c", "d" }.Select(id => tenants.GetTokenAsync(id).AsTask()).ToArray();
            await WaitUntilAsync(() => server.PendingRefreshes == 4);
            Assert.False(busy.IsCompleted);
        }

        await Task.WhenAll(others);
        var token = await busy; // not disposed under it: the renewal finished and the caller got its own token
        Assert.Equal("user-busy", server.Grants.Single(g => g.AccessToken == token.AccessToken).Subject);
        Assert.InRange(tenants.ActiveCount, 1, 4);
    }

    [Fact]
    public async Task An_unknown_tenant_without_source_or_template_is_a_configuration_error_naming_the_remedies()
    {
        using var tenants = new SalesforceTenantRegistry(new SalesforceTenantOptions());

        var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => tenants.GetTokenAsync("nobody").AsTask());

        Assert.Contains("ISalesforceTenants.Add", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, tenants.ActiveCount);
    }

    [Fact]
    public async Task A_source_supplies_tenants_and_the_registry_stamps_the_tenant_key()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var source = new Table(salesforce);
        using var tenants = new SalesforceTenantRegistry(new SalesforceTenantOptions
        {
            Source = source,
            ClientOptions = new SalesforceTokenClientOptions { TokenStore = new MemoryTokenStore() },
        });

        var token = await tenants.GetTokenAsync("from-db");

        Assert.Equal("user-from-db", salesforce.Authorization.Grants.Single(g => g.AccessToken == token.AccessToken).Subject);
        Assert.Equal(1, source.Lookups);
        await tenants.GetTokenAsync("from-db");
        Assert.Equal(1, source.Lookups); // the active client is reused; the source is asked again only after eviction
    }

    [Fact]
    public async Task A_template_tenant_that_never_connected_is_told_how_to_connect()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var template = salesforce.Settings with { Name = "Customers", Flow = SalesforceFlow.WebServer, RefreshToken = null, RedirectUri = new Uri("http://127.0.0.1/cb") };
        using var tenants = new SalesforceTenantRegistry(new SalesforceTenantOptions
        {
            Template = template,
            ClientOptions = new SalesforceTokenClientOptions { TokenStore = new MemoryTokenStore() },
        });

        var error = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => tenants.GetTokenAsync("new-customer").AsTask());

        Assert.Contains("this tenant has not connected its org yet", error.Message, StringComparison.Ordinal);
        Assert.Empty(salesforce.Authorization.Grants);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, limit.Token);
        }
    }

    private sealed class Table(RotatingSalesforce salesforce) : ISalesforceTenantSource
    {
        public int Lookups;

        public ValueTask<SalesforceOrgSettings?> FindAsync(string tenant, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Lookups);
            // Deliberately without Tenant: the registry sets it.
            var settings = salesforce.Settings with { Name = "Customers", RefreshToken = SecretReference.Literal(salesforce.Authorization.IssueRefreshToken("user-" + tenant)) };
            return ValueTask.FromResult<SalesforceOrgSettings?>(settings);
        }
    }
}
