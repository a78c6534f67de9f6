using SfOAuthGen.TokenStore.Tests.Infrastructure;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>Two OS processes serve the same tenants through one Redis: one chain per tenant between them, never a superseded token.</summary>
public sealed class TenantCrossProcessTests
{
    private const int Tenants = 20;
    private const int Callers = 10;
    private const int Expiries = 2;

    [Fact]
    public async Task Two_processes_sharing_Redis_renew_each_tenant_once_per_expiry_with_no_reuse()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var salesforce = await RotatingSalesforce.StartAsync();
        var server = salesforce.Authorization;
        var tenants = string.Join(',', Enumerable.Range(0, Tenants).Select(i => $"tenant-{i:00}={server.IssueRefreshToken($"user-tenant-{i:00}")}"));
        var environment = new Dictionary<string, string> { ["SF_TENANTS"] = tenants };
        await using var first = await WorkerProcess.StartAsync(salesforce, "redis=" + redis.Configuration, Callers, TimeSpan.FromSeconds(10), environment: environment);
        await using var second = await WorkerProcess.StartAsync(salesforce, "redis=" + redis.Configuration, Callers, TimeSpan.FromSeconds(10), environment: environment);

        for (var expiry = 0; expiry <= Expiries; expiry++)
        {
            if (expiry > 0)
            {
                server.ExpireSessions(); // every tenant's API calls now get 401 INVALID_SESSION_ID
            }

            var grantsBefore = server.Grants.Count;
            await first.StartRoundAsync();
            await second.StartRoundAsync();
            foreach (var worker in new[] { first, second })
            {
                var (ok, failed, line) = await worker.RoundResultAsync();
                Assert.True(failed == 0, line);
                Assert.Equal(Tenants * Callers, ok);
            }

            // One refresh per tenant between the two processes, each for its own subject.
            var refreshes = server.Grants.Skip(grantsBefore).ToArray();
            Assert.Equal(Tenants, refreshes.Length);
            Assert.Equal(Tenants, refreshes.Select(g => g.Subject).Distinct().Count());
        }

        Assert.Equal(Tenants * (Expiries + 1), server.Refreshes);
        Assert.Equal(0, server.ReuseViolations);
        await first.QuitAsync();
        await second.QuitAsync();
    }
}
