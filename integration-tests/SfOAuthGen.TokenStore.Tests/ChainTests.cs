using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.TokenStore.Tests.Infrastructure;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>One refresh-token chain per org: shared by every client in a process, continued from the store, restarted only by a new configured token.</summary>
public sealed class ChainTests
{
    [Fact]
    public async Task Clients_of_one_rotating_org_in_one_process_share_one_chain_and_never_send_a_superseded_token()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var settings = salesforce.Settings;
        using var first = new SalesforceTokenClient(settings);
        using var second = new SalesforceTokenClient(settings);
        var services = new ServiceCollection();
        services.AddSalesforceOrg(settings);
        await using var provider = services.BuildServiceProvider();
        var fromDi = provider.GetRequiredService<ISalesforceOrgs>().GetTokenClient(settings.Name);

        var token = await first.GetTokenAsync();
        Assert.Same(token, await second.GetTokenAsync());
        Assert.Same(token, await fromDi.GetTokenAsync());

        // Each renews in turn: each must send the chain's current refresh token, whoever rotated it last.
        await first.RefreshAsync();
        await second.RefreshAsync();
        await fromDi.RefreshAsync();
        await first.RefreshAsync();

        Assert.Equal(5, salesforce.Authorization.Refreshes);
        Assert.Equal(0, salesforce.Authorization.ReuseViolations);
        Assert.Same(first.CurrentToken, fromDi.CurrentToken);
    }

    [Fact]
    public async Task Concurrent_callers_across_the_clients_of_one_org_cause_one_request()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        using var first = new SalesforceTokenClient(salesforce.Settings);
        using var second = new SalesforceTokenClient(salesforce.Settings);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? first : second).GetTokenAsync().AsTask()));

        Assert.Single(tokens.Select(t => t.AccessToken).Distinct());
        Assert.Equal(1, salesforce.Authorization.Refreshes);
    }

    [Fact]
    public async Task An_isolated_client_keeps_a_state_of_its_own()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var settings = salesforce.Settings with { Flow = SalesforceFlow.RefreshToken };
        using var shared = new SalesforceTokenClient(settings);
        using var isolated = new SalesforceTokenClient(settings, new SalesforceTokenClientOptions { IsolatedTokenState = true });

        await shared.GetTokenAsync();

        Assert.Null(isolated.CurrentToken);
        Assert.NotSame(shared.TokenStore, isolated.TokenStore);
    }

    [Fact]
    public async Task A_restarted_client_continues_the_stored_chain_and_a_newly_configured_token_starts_a_new_one()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var store = new MemoryTokenStore(); // stands in for a persistent store across "restarts"
        var options = new SalesforceTokenClientOptions { TokenStore = store, IsolatedTokenState = true };
        using (var beforeRestart = new SalesforceTokenClient(salesforce.Settings, options))
        {
            await beforeRestart.GetTokenAsync();
            await beforeRestart.RefreshAsync();
        }

        using (var afterRestart = new SalesforceTokenClient(salesforce.Settings, options))
        {
            await afterRestart.GetTokenAsync(); // the stored access token: no request
            Assert.Equal(2, salesforce.Authorization.Refreshes);
            await afterRestart.RefreshAsync(); // with the stored, rotated refresh token
        }

        Assert.Equal(3, salesforce.Authorization.Refreshes);
        Assert.Equal(0, salesforce.Authorization.ReuseViolations);

        // After 'sfauth login' the org is configured with a new refresh token: a new chain, started from it.
        var relogin = salesforce.Authorization.IssueRefreshToken();
        using var relogged = new SalesforceTokenClient(salesforce.Settings with { RefreshToken = SecretReference.Literal(relogin) }, options);
        await relogged.GetTokenAsync();
        Assert.Equal(relogin, salesforce.Authorization.Grants[^1].RefreshTokenSent);
        Assert.Equal(0, salesforce.Authorization.ReuseViolations);
    }

    [Fact]
    public async Task A_rotation_with_only_the_memory_store_warns_that_the_next_start_sends_a_superseded_token()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var logs = new CollectingLogger();
        using var client = new SalesforceTokenClient(salesforce.Settings, new SalesforceTokenClientOptions { IsolatedTokenState = true, LoggerFactory = logs.Factory() });

        await client.GetTokenAsync();
        await client.RefreshAsync();

        var warning = Assert.Single(logs.Entries, e => e.Event == "RotatedWithoutPersistentStore");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("superseded refresh token", warning.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_request_already_being_processed_is_contention_the_client_waits_and_adopts_the_winner()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var store = new MemoryTokenStore();
        // Two processes' worth of clients on one store; the first one's lease lapses while Salesforce still processes its refresh.
        var options = new SalesforceTokenClientOptions { TokenStore = store, IsolatedTokenState = true, TokenStoreLeaseDuration = TimeSpan.FromMilliseconds(100) };
        using var slow = new SalesforceTokenClient(salesforce.Settings, options);
        using var eager = new SalesforceTokenClient(salesforce.Settings, options);

        Task<SalesforceToken> slowRenewal;
        Task<SalesforceToken> eagerRenewal;
        using (salesforce.Authorization.HoldRefreshes())
        {
            slowRenewal = slow.GetTokenAsync().AsTask();
            await WaitUntilAsync(() => salesforce.Authorization.PendingRefreshes == 1);
            await Task.Delay(150); // past the slow client's lease
            eagerRenewal = eager.GetTokenAsync().AsTask();
            await WaitUntilAsync(() => salesforce.Authorization.ConcurrentRefreshes == 1);
        }

        var (won, adopted) = (await slowRenewal, await eagerRenewal);
        Assert.Equal(won.AccessToken, adopted.AccessToken);
        Assert.Equal(1, salesforce.Authorization.Refreshes);
        Assert.Equal(0, salesforce.Authorization.ReuseViolations);
    }

    [Fact]
    public async Task Revoke_during_a_rotating_refresh_waits_for_it_and_revokes_the_new_refresh_token()
    {
        await using var salesforce = await RotatingSalesforce.StartAsync();
        using var client = new SalesforceTokenClient(salesforce.Settings, new SalesforceTokenClientOptions { IsolatedTokenState = true });
        await client.GetTokenAsync();
        var beforeRefresh = salesforce.Authorization.CurrentRefreshToken(salesforce.InitialRefreshToken);

        Task revoke;
        Task<SalesforceToken> refresh;
        using (salesforce.Authorization.HoldRefreshes())
        {
            refresh = client.RefreshAsync().AsTask();
            await WaitUntilAsync(() => salesforce.Authorization.PendingRefreshes == 1);
            revoke = client.RevokeAsync();
            Assert.False(revoke.IsCompleted); // it waits for the rotation instead of revoking the token being superseded
        }

        await refresh;
        await revoke;
        var rotated = salesforce.Authorization.CurrentRefreshToken(salesforce.InitialRefreshToken);
        Assert.NotEqual(beforeRefresh, rotated);
        Assert.True(salesforce.Authorization.IsRevoked(rotated));
        Assert.Equal(0, salesforce.Authorization.ReuseViolations);
        Assert.Null(client.CurrentToken);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the server never reached the expected state");
    }
}
