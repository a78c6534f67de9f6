using SfOAuthGen.TokenStore.Tests.Infrastructure;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>
/// Several OS processes of one service share a rotating org's chain through a store: each forced expiry costs exactly
/// one token request across all of them, a process killed while it renews blocks no one for longer than its lease,
/// and fresh processes continue the stored chain — never sending a superseded refresh token.
/// </summary>
public sealed class CrossProcessTests
{
    private const int Callers = 100;
    private const int Expiries = 3;
    // The lease must outlast a renewal from lease to store write (TokenStoreLeaseDuration's contract): were it to lapse
    // while its holder is merely slow (a loaded machine starving the process for seconds), a second process would send
    // the same refresh token after Salesforce rotated it, and the chain would be revoked. A 3 s lease did lapse so, once,
    // in a full parallel test run on a loaded 2-core machine.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    // Only the process that is killed while Salesforce holds its refresh takes a short lease: its request never completes,
    // so nothing can outlive the lease, and the others wait out 3 s rather than 30.
    private static readonly TimeSpan DoomedLease = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Four_processes_sharing_Redis_renew_once_per_expiry_survive_a_killed_lease_holder_and_restarts()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var salesforce = await RotatingSalesforce.StartAsync();
        await RunScenarioAsync(salesforce, "redis=" + redis.Configuration, processes: 4);
    }

    [Fact]
    public async Task Three_processes_sharing_a_file_store_renew_once_per_expiry_survive_a_killed_lease_holder_and_restarts()
    {
        var directory = Directory.CreateTempSubdirectory("sfauth-store-");
        try
        {
            await using var salesforce = await RotatingSalesforce.StartAsync();
            await RunScenarioAsync(salesforce, "file=" + directory.FullName, processes: 3);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task RunScenarioAsync(RotatingSalesforce salesforce, string store, int processes)
    {
        var server = salesforce.Authorization;
        var workers = await StartAsync(salesforce, store, processes);
        try
        {
            // First round: the chain starts from the configured refresh token, once.
            await RoundAsync(workers, expectedOk: Callers);
            Assert.Equal(1, server.Refreshes);

            for (var expiry = 1; expiry <= Expiries; expiry++)
            {
                server.ExpireSessions();
                await RoundAsync(workers, expectedOk: Callers);
                Assert.Equal(1 + expiry, server.Refreshes);
            }

            // A process joins, takes the lease and dies while its refresh still waits at Salesforce.
            server.ExpireSessions();
            var refreshesBefore = server.Refreshes;
            await using (var doomed = await WorkerProcess.StartAsync(salesforce, store, Callers, DoomedLease))
            using (server.HoldRefreshes())
            {
                await doomed.StartRoundAsync();
                await WaitUntilAsync(() => server.PendingRefreshes == 1);
                await doomed.KillAsync();
                await WaitUntilAsync(() => server.PendingRefreshes == 0);
            }

            // The others wait out its lease, then renew with the chain's current token.
            await RoundAsync(workers, expectedOk: Callers);
            Assert.Equal(refreshesBefore + 1, server.Refreshes);
        }
        finally
        {
            await QuitAllAsync(workers);
        }

        // Fresh processes: they take the stored token (no request), then renew from the stored rotated refresh token.
        var refreshesAtRestart = server.Refreshes;
        var fresh = await StartAsync(salesforce, store, processes);
        try
        {
            await RoundAsync(fresh, expectedOk: Callers);
            Assert.Equal(refreshesAtRestart, server.Refreshes);
            server.ExpireSessions();
            await RoundAsync(fresh, expectedOk: Callers);
            Assert.Equal(refreshesAtRestart + 1, server.Refreshes);
        }
        finally
        {
            await QuitAllAsync(fresh);
        }

        Assert.Equal(0, server.ReuseViolations);
        Assert.Equal(0, server.ConcurrentRefreshes);
        Assert.Equal(1, server.Grants.Count(g => g.RefreshTokenSent == salesforce.InitialRefreshToken));
    }

    private static async Task<WorkerProcess[]> StartAsync(RotatingSalesforce salesforce, string store, int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => WorkerProcess.StartAsync(salesforce, store, Callers, Lease)));

    private static async Task RoundAsync(IReadOnlyList<WorkerProcess> workers, int expectedOk)
    {
        await Task.WhenAll(workers.Select(w => w.StartRoundAsync()));
        foreach (var worker in workers)
        {
            var (ok, failed, line) = await worker.RoundResultAsync();
            Assert.True(ok == expectedOk && failed == 0, $"{line}\n{worker.ErrorOutput}");
        }
    }

    private static async Task QuitAllAsync(IEnumerable<WorkerProcess> workers)
    {
        foreach (var worker in workers)
        {
            await using (worker)
            {
                await worker.QuitAsync();
            }
        }
    }

    /// <summary>Waits for a condition the server reports; bounded, so a broken renewal fails the test instead of hanging it.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the server never reached the expected state");
    }
}
