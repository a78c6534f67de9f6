using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.Tenants;
using SfOAuthGen.TokenStore.Tests.Infrastructure;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>
/// Orgs known only at run time: many tenants of one connected app on the rotating loopback server, each with its own
/// chain, token, back-off and stored state.
/// </summary>
public sealed class TenantTests
{
    [Fact]
    public async Task Two_hundred_tenants_with_twenty_callers_each_get_one_request_per_tenant_per_expiry_and_only_their_own_token()
    {
        const int Tenants = 200;
        const int Callers = 20;
        const int Expiries = 2;
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var server = salesforce.Authorization;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var tenants = Registry(salesforce, new MemoryTokenStore(), clock);
        var ids = Enumerable.Range(0, Tenants).Select(i => $"tenant-{i:000}").ToArray();
        foreach (var id in ids)
        {
            tenants.Add(id, Tenant(salesforce, id, server.IssueRefreshToken("user-" + id)));
        }

        for (var round = 0; round <= Expiries; round++)
        {
            var grantsBefore = server.Grants.Count;
            if (round > 0)
            {
                clock.Advance(TimeSpan.FromHours(2)); // every tenant's session ends at once
            }

            var calls = ids.SelectMany(id => Enumerable.Range(0, Callers).Select(async _ => (Tenant: id, Token: await tenants.GetTokenAsync(id))));
            var results = await Task.WhenAll(calls);

            var owner = server.Grants.ToDictionary(g => g.AccessToken, g => g.Subject, StringComparer.Ordinal);
            foreach (var (tenant, token) in results)
            {
                Assert.Equal("user-" + tenant, owner[token.AccessToken]);
            }

            var requests = server.Grants.Skip(grantsBefore).GroupBy(g => g.Subject).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(Tenants, requests.Count);
            Assert.All(requests, r => Assert.Equal(1, r.Value));
        }

        Assert.Equal(Tenants * (Expiries + 1), server.Refreshes);
        Assert.Equal(0, server.ReuseViolations);
    }

    [Fact]
    public async Task A_tenant_whose_chain_was_revoked_fails_alone_and_its_backoff_holds_no_other_tenant()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var server = salesforce.Authorization;
        using var tenants = Registry(salesforce, new MemoryTokenStore(), TimeProvider.System, backoff: TimeSpan.FromHours(1));
        var revoked = server.IssueRefreshToken("user-a");
        tenants.Add("a", Tenant(salesforce, "a", revoked));
        tenants.Add("b", Tenant(salesforce, "b", server.IssueRefreshToken("user-b")));
        using (var revoker = new HttpClient())
        {
            using var form = new FormUrlEncodedContent([new("token", revoked)]);
            (await revoker.PostAsync(new Uri(salesforce.Server.BaseUri, "/services/oauth2/revoke"), form)).EnsureSuccessStatusCode();
        }

        var failure = await Assert.ThrowsAsync<SalesforceAuthException>(() => tenants.GetTokenAsync("a").AsTask());
        Assert.Equal("invalid_grant", failure.Error);
        // a is in its back-off now; b has its own chain and back-off and gets its token.
        await Assert.ThrowsAsync<SalesforceAuthException>(() => tenants.GetTokenAsync("a").AsTask());
        var token = await tenants.GetTokenAsync("b");
        Assert.Equal("user-b", server.Grants.Single(g => g.AccessToken == token.AccessToken).Subject);
        Assert.Equal(1, server.Refreshes);
    }

    [Fact]
    public async Task Tenants_with_equal_settings_but_different_keys_have_different_chains_and_store_keys()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var store = new MemoryTokenStore();
        // The same refresh token configured for both: only the tenant key tells them apart.
        var shared = salesforce.InitialRefreshToken;
        using var first = new SalesforceTokenClient(Tenant(salesforce, "first", shared), new SalesforceTokenClientOptions { TokenStore = store });
        using var second = new SalesforceTokenClient(Tenant(salesforce, "second", shared), new SalesforceTokenClientOptions { TokenStore = store });

        Assert.NotEqual(await StoreKeys.OfAsync(first), await StoreKeys.OfAsync(second));
        await first.GetTokenAsync();
        Assert.Null(second.CurrentToken);
    }

    [Fact]
    public async Task Removing_a_tenant_revokes_its_refresh_token_and_deletes_its_state_from_memory_and_store()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var server = salesforce.Authorization;
        var store = new MemoryTokenStore();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var tenants = Registry(salesforce, store, clock, idle: TimeSpan.FromMinutes(5));
        var settings = new[] { "leaving", "evicted", "staying" }.ToDictionary(id => id, id => Tenant(salesforce, id, server.IssueRefreshToken("user-" + id)));
        foreach (var (id, tenant) in settings)
        {
            tenants.Add(id, tenant);
        }

        await tenants.GetTokenAsync("evicted");
        await tenants.RefreshAsync("evicted"); // rotated: only the store knows the newest refresh token once evicted
        clock.Advance(TimeSpan.FromMinutes(6));
        await tenants.GetTokenAsync("leaving");
        await tenants.GetTokenAsync("staying");
        Assert.Equal(2, tenants.ActiveCount); // "evicted" went idle and left memory; its state is in the store

        var keys = new Dictionary<string, string>();
        foreach (var (id, tenant) in settings)
        {
            using var probe = new SalesforceTokenClient(tenant, new SalesforceTokenClientOptions { IsolatedTokenState = true, TokenStore = store });
            keys[id] = await StoreKeys.OfAsync(probe);
        }

        var leavingRefresh = (await store.ReadAsync(keys["leaving"]))!.RefreshToken!;
        var evictedRefresh = (await store.ReadAsync(keys["evicted"]))!.RefreshToken!;
        Assert.True(await tenants.RemoveAsync("leaving"));
        Assert.True(await tenants.RemoveAsync("evicted"));

        Assert.True(server.IsRevoked(leavingRefresh));
        Assert.True(server.IsRevoked(evictedRefresh));
        Assert.Null(await store.ReadAsync(keys["leaving"]));
        Assert.Null(await store.ReadAsync(keys["evicted"]));
        Assert.Equal(1, tenants.ActiveCount);
        var removed = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => tenants.GetTokenAsync("leaving").AsTask());
        Assert.Contains("no settings for this tenant", removed.Message, StringComparison.Ordinal);

        // The staying tenant's chain is untouched.
        Assert.NotNull(await store.ReadAsync(keys["staying"]));
        var token = await tenants.RefreshAsync("staying");
        Assert.Equal("user-staying", server.Grants.Single(g => g.AccessToken == token.AccessToken).Subject);
        Assert.Equal(0, server.ReuseViolations);
    }

    internal static SalesforceTenantRegistry Registry(
        RotatingSalesforce salesforce, ISalesforceTokenStore store, TimeProvider clock, TimeSpan? backoff = null, TimeSpan? idle = null) =>
        new(new SalesforceTenantOptions
        {
            IdleTimeout = idle ?? TimeSpan.FromMinutes(20),
            ClientOptions = new SalesforceTokenClientOptions { TokenStore = store, TimeProvider = clock, FailureBackoff = backoff ?? TimeSpan.Zero },
        });

    internal static SalesforceOrgSettings Tenant(RotatingSalesforce salesforce, string id, string? refreshToken) =>
        SalesforceTenantSettings.Create(
            salesforce.Settings with { Name = "Customers" }, id,
            refreshToken: refreshToken is null ? null : SecretReference.Literal(refreshToken));
}
