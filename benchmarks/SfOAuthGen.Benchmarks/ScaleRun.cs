using System.Diagnostics;
using System.Globalization;
using System.Text;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Benchmarks;

/// <summary>
/// Issue 15 item 5, a report rather than a BenchmarkDotNet job: one process serving many orgs for a while, each org's
/// session a second long, many callers each. Reports renewals per expiry per org (must be 1), the p50/p99/max of
/// <c>GetTokenAsync</c> across renewals, and the working set at the start and the end (must not grow).
/// </summary>
internal static class ScaleRun
{
    internal sealed record Settings(int Orgs, int CallersPerOrg, TimeSpan Duration, TimeSpan SessionLifetime, TimeSpan CallerPause)
    {
        public static readonly Settings Full = new(100, 64, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50));
        public static readonly Settings Dry = new(10, 8, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50));
    }

    public static async Task<string> RunAsync(Settings settings, TextWriter log)
    {
        const string ClientId = "3MVGbench.FakeConsumerKey.ForScaleRun";
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), new RecordedResponseServerOptions
        {
            Authorization = new AuthorizationServerOptions { ClientId = ClientId, RotateRefreshTokens = true },
        }).ConfigureAwait(false);
        using var http = new HttpClient(TokenServer.NewHandler());
        var clients = Enumerable.Range(0, settings.Orgs).Select(i => new SalesforceTokenClient(
            new SalesforceOrgSettings
            {
                Name = "Scale" + i.ToString(CultureInfo.InvariantCulture),
                LoginUrl = server.BaseUri,
                Flow = SalesforceFlow.RefreshToken,
                ClientId = SecretReference.Literal(ClientId),
                RefreshToken = SecretReference.Literal(server.Authorization!.IssueRefreshToken("user" + i.ToString(CultureInfo.InvariantCulture))),
                SessionLifetime = settings.SessionLifetime,
                RenewalMargin = TimeSpan.Zero,
            },
            new SalesforceTokenClientOptions { HttpClient = http })).ToArray();

        try
        {
            foreach (var client in clients)
            {
                await client.GetTokenAsync().ConfigureAwait(false);
            }

            Settle();
            var startSet = Environment.WorkingSet;
            var startHeap = GC.GetTotalMemory(forceFullCollection: true);
            var refreshesAtStart = server.Authorization!.Refreshes;
            log.WriteLine($"scale run: {settings.Orgs} orgs x {settings.CallersPerOrg} callers for {settings.Duration.TotalSeconds:0} s, session {settings.SessionLifetime.TotalSeconds:0.#} s");

            var stop = Stopwatch.StartNew();
            var latencies = new List<long>[settings.Orgs * settings.CallersPerOrg];
            var failures = 0;
            var callers = Enumerable.Range(0, latencies.Length).Select(async n =>
            {
                var client = clients[n % settings.Orgs];
                var mine = latencies[n] = new List<long>(4096);
                await Task.Delay(Random.Shared.Next((int)settings.CallerPause.TotalMilliseconds)).ConfigureAwait(false);
                while (stop.Elapsed < settings.Duration)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await client.GetTokenAsync().ConfigureAwait(false);
                    }
                    catch (SalesforceAuthException)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    mine.Add(Stopwatch.GetTimestamp() - started);
                    await Task.Delay(settings.CallerPause).ConfigureAwait(false);
                }
            }).ToArray();
            await Task.WhenAll(callers).ConfigureAwait(false);
            var elapsed = stop.Elapsed;

            Settle();
            var endSet = Environment.WorkingSet;
            var endHeap = GC.GetTotalMemory(forceFullCollection: true);
            var perOrg = server.Authorization.Grants.Skip(refreshesAtStart).GroupBy(g => g.Subject).Select(g => g.Count()).ToArray();
            var expiries = elapsed / settings.SessionLifetime;
            var all = latencies.SelectMany(l => l).Order().ToArray();
            var retained = server.Authorization.Grants.Count - refreshesAtStart;
            return Report(settings, elapsed, expiries, perOrg, all, failures, server.Authorization.ReuseViolations, (startSet, endSet), (startHeap, endHeap), retained);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static string Report(
        Settings settings, TimeSpan elapsed, double expiries, int[] perOrg, long[] latencies, int failures, int reuses, (long Start, long End) workingSet, (long Start, long End) heap, int retained)
    {
        string Micro(double quantile) => latencies.Length == 0 ? "-" :
            (Stopwatch.GetElapsedTime(0, latencies[Math.Min(latencies.Length - 1, (int)(quantile * latencies.Length))]).TotalMilliseconds * 1000).ToString("0.0", CultureInfo.InvariantCulture) + " µs";
        var text = new StringBuilder();
        text.AppendLine("| measure | value |");
        text.AppendLine("|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| orgs × callers, duration | {settings.Orgs} × {settings.CallersPerOrg}, {elapsed.TotalSeconds:0.0} s (session {settings.SessionLifetime.TotalSeconds:0.#} s: {expiries:0.0} expiries) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| GetTokenAsync calls | {latencies.Length:N0} ({failures} failed) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| renewals per org: min / max (expiries {expiries:0.0}) | {(perOrg.Length == 0 ? 0 : perOrg.Min())} / {(perOrg.Length == 0 ? 0 : perOrg.Max())} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| renewals per expiry per org (max) | {(perOrg.Length == 0 ? 0 : perOrg.Max() / Math.Floor(expiries)):0.00} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| refresh-token reuses | {reuses} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| GetTokenAsync p50 / p99 / p99.9 / max | {Micro(0.5)} / {Micro(0.99)} / {Micro(0.999)} / {Micro(1)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| working set start → end | {workingSet.Start / 1048576.0:0.0} MiB → {workingSet.End / 1048576.0:0.0} MiB |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| managed heap after full GC start → end | {heap.Start / 1048576.0:0.00} MiB → {heap.End / 1048576.0:0.00} MiB |");
        // The loopback server runs in this process and keeps every token it issued (it must, to detect a reuse), and the
        // run keeps every latency sample: both grow with the run by design; the clients' own state does not.
        text.AppendLine(CultureInfo.InvariantCulture, $"| of which the in-process test server's issued tokens and the latency samples | {retained:N0} grants (≈ {retained * 3 * 200 / 1048576.0:0.00} MiB), {latencies.Length * 8 / 1048576.0:0.00} MiB |");
        return text.ToString();
    }
}
