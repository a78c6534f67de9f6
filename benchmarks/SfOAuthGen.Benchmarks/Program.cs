using System.Globalization;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SfOAuthGen.Benchmarks;

// Modes (see ../README.md):
//   --filter '*' [BenchmarkDotNet options]  every BenchmarkDotNet benchmark, then the server suite
//   --short                                 BenchmarkDotNet's ShortRun job (3 warm-ups, 3 iterations) for a quick look
//   --dry                                   everything once (BenchmarkDotNet Dry job, short server loop): a smoke test for CI
//   --server [--dry]                        the server suite only
//   --cold-only [--dry]                     cold starts only: ours and bare Kestrel, interleaved, 10 each (--dry: 1)
//   --scale [--dry]                         the scale report only (100 orgs x 64 callers, 60 s; --dry: 10 x 8, 2 s)
//   --cold-start KIND BODYFILE              internal: one cold-start sample in this fresh process
if (args is ["--cold-start", var kind, var bodyFile])
{
    return await ServerSuite.ColdStartChildAsync(kind, bodyFile).ConfigureAwait(false);
}

var dry = args.Contains("--dry");
var quick = args.Contains("--short");
var serverOnly = args.Contains("--server");
var scaleOnly = args.Contains("--scale");
var coldOnly = args.Contains("--cold-only");
var benchmarkArgs = args.Where(a => a is not ("--dry" or "--server" or "--short" or "--scale" or "--cold-only")).ToList();
if (dry && !benchmarkArgs.Contains("--filter"))
{
    benchmarkArgs.AddRange(["--filter", "*"]);
}

var filterIndex = benchmarkArgs.IndexOf("--filter");
var everything = filterIndex >= 0 && filterIndex + 1 < benchmarkArgs.Count && benchmarkArgs[filterIndex + 1] == "*";
var failed = false;

if (coldOnly)
{
    var table = await ServerSuite.ColdOnlyAsync(dry ? ServerSuite.Settings.Dry.ColdSamples : ServerSuite.Settings.Full.ColdSamples, Console.Out).ConfigureAwait(false);
    Console.WriteLine();
    Console.WriteLine(table);
    return 0;
}

if (!serverOnly && !scaleOnly)
{
    // In-process: no per-benchmark project build (the dry run stays well under a minute); each benchmark still gets its
    // own warm-up and pilot stages. Memory diagnoser is on through the classes' [MemoryDiagnoser].
    // Jobs are chosen here, not with BenchmarkDotNet's --job (which would drop the in-process toolchain).
    // The full job is BenchmarkDotNet's default with the iteration counts bounded, so a full run takes minutes, not an hour.
    var full = Job.Default.WithMaxWarmupCount(10).WithMaxIterationCount(30);
    var job = (dry ? Job.Dry : quick ? Job.ShortRun : full).WithToolchain(InProcessEmitToolchain.Instance);
    var config = ManualConfig.Create(DefaultConfig.Instance)
        .AddJob(job.AsDefault())
        .WithOptions(ConfigOptions.DisableLogFile);
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(ServerSuite).Assembly).Run([.. benchmarkArgs], config).ToArray();
    var listing = benchmarkArgs.Any(a => a is "--list" or "--help" or "--info" or "--version");
    failed |= !listing && !Verdict.AllSucceeded(summaries, Console.Out);
    Console.WriteLine(Verdict.GeneratorRatios(summaries));
    Console.WriteLine(RoundTripVerdict.Ratios(summaries));
}

if (scaleOnly || everything)
{
    try
    {
        var table = await ScaleRun.RunAsync(dry ? ScaleRun.Settings.Dry : ScaleRun.Settings.Full, Console.Out).ConfigureAwait(false);
        Console.WriteLine();
        Console.WriteLine("## Scale: many orgs, many callers, one-second sessions");
        Console.WriteLine(table);
        var results = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "ScaleRun-report.md"), table).ConfigureAwait(false);
    }
    catch (Exception ex)
    {
        Console.Error.WriteLine($"Scale run failed: {ex}");
        failed = true;
    }
}

if ((serverOnly || everything) && !scaleOnly)
{
    try
    {
        var table = await ServerSuite.RunAsync(dry ? ServerSuite.Settings.Dry : ServerSuite.Settings.Full, Console.Out).ConfigureAwait(false);
        Console.WriteLine();
        Console.WriteLine("## Recorded-response server (measured loop)");
        Console.WriteLine(table);
        var results = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "ServerSuite-report.md"), table).ConfigureAwait(false);
    }
    catch (Exception ex)
    {
        Console.Error.WriteLine($"Server suite failed: {ex}");
        failed = true;
    }
}

Console.WriteLine(failed ? "BENCHMARKS FAILED" : "Benchmarks completed.");
return failed ? 1 : 0;

/// <summary>BenchmarkDotNet reports a throwing benchmark and carries on; this turns that into a failing exit code.</summary>
internal static class Verdict
{
    public static bool AllSucceeded(IReadOnlyList<Summary> summaries, TextWriter log)
    {
        if (summaries.Count == 0 || summaries.All(s => s.BenchmarksCases.Length == 0))
        {
            log.WriteLine("No benchmark ran (check --filter).");
            return false;
        }

        var ok = true;
        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors)
            {
                log.WriteLine($"Validation errors: {string.Join("; ", summary.ValidationErrors.Select(e => e.Message))}");
                ok = false;
            }

            foreach (var benchmark in summary.BenchmarksCases)
            {
                var report = summary[benchmark];
                if (report is null || !report.Success || report.ExecuteResults.Any(r => !r.IsSuccess) || report.ResultStatistics is null)
                {
                    log.WriteLine($"FAILED: {benchmark.DisplayInfo}");
                    ok = false;
                }
            }
        }

        return ok;
    }

    /// <summary>Linearity (1,000 vs 100 orgs) and the rerun's share of a full run, which BenchmarkDotNet's Ratio column does not give across parameters.</summary>
    public static string GeneratorRatios(IReadOnlyList<Summary> summaries)
    {
        var rows = summaries.SelectMany(s => s.Reports.Select(r => (Summary: s, Report: r)))
            .Where(x => x.Report.BenchmarkCase.Descriptor.Type == typeof(GeneratorBenchmarks) && x.Report.ResultStatistics is not null)
            .ToDictionary(
                x => (x.Report.BenchmarkCase.Descriptor.WorkloadMethod.Name, Orgs: (int)x.Report.BenchmarkCase.Parameters["Orgs"]),
                x => (Mean: x.Report.ResultStatistics!.Mean, Bytes: x.Report.GcStats.GetBytesAllocatedPerOperation(x.Report.BenchmarkCase) ?? 0));
        if (rows.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder("\n## Generator ratios\n\n| figure | time | allocated | target |\n|---|---:|---:|---|\n");
        void Ratio(string label, (string, int) a, (string, int) b, string target)
        {
            if (rows.TryGetValue(a, out var x) && rows.TryGetValue(b, out var y))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {x.Mean / y.Mean:0.00}× | {(double)x.Bytes / y.Bytes:0.00}× | {target} |");
            }
        }

        Ratio("full run, 1,000 ÷ 100 orgs", ("FullRun", 1000), ("FullRun", 100), "≤ 11×");
        Ratio("driver floor, 1,000 ÷ 100 orgs", ("DriverFloor", 1000), ("DriverFloor", 100), "");
        Ratio("full run, 100 ÷ 1 orgs", ("FullRun", 100), ("FullRun", 1), "");
        foreach (var orgs in new[] { 1, 100, 1000 })
        {
            Ratio($"rerun after unrelated edit ÷ full run, {orgs:N0} orgs", ("RerunAfterUnrelatedEdit", orgs), ("FullRun", orgs), "near zero");
        }

        return text.ToString();
    }
}
