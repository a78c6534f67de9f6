using SfOAuthGen.IntegrationTests.Infrastructure;
using SfOAuthGen.Redis;
using SfOAuthGen.Runtime;
using SfOAuthGen.TokenStore.Tests.Infrastructure;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>When Redis is down, no refresh token is sent blind: a valid token is still served, renewal fails as transient and names the store.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task With_Redis_stopped_renewal_fails_as_transient_naming_the_store_sends_nothing_and_recovers_when_it_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var salesforce = await RotatingSalesforce.StartAsync();
        await using var connection = redis.Connect();
        var store = new RedisTokenStore(connection);
        using var client = new SalesforceTokenClient(salesforce.Settings, new SalesforceTokenClientOptions
        {
            TokenStore = store,
            FailureBackoff = TimeSpan.Zero,
            IsolatedTokenState = true,
        });
        var first = await client.GetTokenAsync();
        Assert.Equal(1, salesforce.Authorization.Refreshes);

        await redis.StopAsync();

        // The cached token needs no store.
        Assert.Same(first, await client.GetTokenAsync());

        var failure = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.RefreshAsync());
        Assert.True(failure.IsTransient);
        Assert.Equal("token_store_unavailable", failure.Error);
        Assert.Contains(store.Description, failure.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{redis.Port}", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, salesforce.Authorization.Refreshes); // nothing was sent
        SecretScan.AssertNone(failure.ToString(), salesforce.Secrets, where: "the exception");

        await redis.RestartAsync();
        SalesforceToken? renewed = null;
        for (var attempt = 0; attempt < 400 && renewed is null; attempt++)
        {
            try
            {
                renewed = await client.RefreshAsync();
            }
            catch (SalesforceAuthException ex) when (ex.Error == "token_store_unavailable")
            {
                await Task.Delay(25); // the connection comes back on its own
            }
        }

        Assert.NotNull(renewed);
        Assert.NotEqual(first.AccessToken, renewed.AccessToken);
        Assert.Equal(2, salesforce.Authorization.Refreshes);
        Assert.Equal(0, salesforce.Authorization.ReuseViolations);

        // The rotated chain is in Redis (kept by the append-only file across the restart), at generation 2.
        var stored = await store.ReadAsync(await StoreKeys.OfAsync(client));
        Assert.Equal(2, stored!.Generation);
        Assert.Equal(salesforce.Authorization.CurrentRefreshToken(salesforce.InitialRefreshToken), stored.RefreshToken);
    }
}
