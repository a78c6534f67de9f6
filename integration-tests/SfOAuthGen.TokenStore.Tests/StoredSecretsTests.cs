using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using SfOAuthGen.IntegrationTests.Infrastructure;
using SfOAuthGen.Redis;
using SfOAuthGen.Runtime;
using SfOAuthGen.TokenStore.Tests.Infrastructure;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>With Data Protection registered, neither Redis nor the store files hold a token or secret in any encoding.</summary>
public sealed class StoredSecretsTests
{
    [Fact]
    public async Task With_Data_Protection_no_token_or_secret_is_in_Redis_keys_or_values_in_any_encoding()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var salesforce = await RotatingSalesforce.StartAsync();
        await using var connection = redis.Connect();
        var logs = new CollectingLogger();
        await RotateThreeTimesAsync(salesforce, new RedisTokenStore(connection, dataProtection: new EphemeralDataProtectionProvider(), logger: logs.Factory().CreateLogger("store")), logs);

        var dump = await redis.DumpAsync();
        Assert.Contains("sfauth:", dump, StringComparison.Ordinal);
        SecretScan.AssertNone(dump, salesforce.Secrets, RotatingSalesforce.ClientId, "Redis");
        SecretScan.AssertNone(logs.AllText, salesforce.Secrets, RotatingSalesforce.ClientId, "the logs at Trace");
        Assert.DoesNotContain(logs.Entries, e => e.Event == "TokenStoreInClear");
    }

    [Fact]
    public async Task With_Data_Protection_no_token_or_secret_is_in_the_store_files_in_any_encoding()
    {
        var directory = Directory.CreateTempSubdirectory("sfauth-store-");
        try
        {
            await using var salesforce = await RotatingSalesforce.StartAsync();
            var logs = new CollectingLogger();
            await RotateThreeTimesAsync(salesforce, new FileTokenStore(directory.FullName, new EphemeralDataProtectionProvider(), logs.Factory().CreateLogger("store")), logs);

            var files = Directory.GetFiles(directory.FullName, "*", SearchOption.AllDirectories);
            Assert.Contains(files, f => f.EndsWith(".json", StringComparison.Ordinal));
            var contents = string.Join('\n', files.Select(f => Path.GetFileName(f) + "\n" + File.ReadAllText(f)));
            SecretScan.AssertNone(contents, salesforce.Secrets, RotatingSalesforce.ClientId, "the store files");
            SecretScan.AssertNone(logs.AllText, salesforce.Secrets, RotatingSalesforce.ClientId, "the logs at Trace");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Without_Data_Protection_the_store_warns_at_start_that_it_holds_tokens_in_clear()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var salesforce = await RotatingSalesforce.StartAsync();
        await using var connection = redis.Connect();
        var logs = new CollectingLogger();
        await RotateThreeTimesAsync(salesforce, new RedisTokenStore(connection, logger: logs.Factory().CreateLogger("store")), logs);

        Assert.Contains(logs.Entries, e => e.Event == "TokenStoreInClear" && e.Level == LogLevel.Warning);
        // The scan finds what is there: the current refresh token, in clear.
        Assert.NotEmpty(SecretScan.Find(await redis.DumpAsync(), salesforce.Secrets));
    }

    private static async Task RotateThreeTimesAsync(RotatingSalesforce salesforce, ISalesforceTokenStore store, CollectingLogger logs)
    {
        using var client = new SalesforceTokenClient(salesforce.Settings, new SalesforceTokenClientOptions
        {
            TokenStore = store,
            IsolatedTokenState = true,
            LoggerFactory = logs.Factory(),
        });
        for (var i = 0; i < 3; i++)
        {
            await client.RefreshAsync();
        }

        Assert.Equal(3, salesforce.Authorization.Refreshes);
        Assert.Equal(0, salesforce.Authorization.ReuseViolations);
    }
}
