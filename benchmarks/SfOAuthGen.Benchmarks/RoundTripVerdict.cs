using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace SfOAuthGen.Benchmarks;

/// <summary>
/// The round trip's targets as ratios of one run (ours ÷ Duende, ours ÷ floor), per category, and the bound the bare
/// contender sets: no client can take less than the pipeline and the server, so "own cost" is each one's time beyond it.
/// </summary>
internal static class RoundTripVerdict
{
    public static string Ratios(IReadOnlyList<Summary> summaries)
    {
        var rows = summaries.SelectMany(s => s.Reports)
            .Where(r => r.BenchmarkCase.Descriptor.Type == typeof(TokenRoundTripBenchmarks) && r.ResultStatistics is not null)
            .ToDictionary(
                r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                r => (Mean: r.ResultStatistics!.Mean, Bytes: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0));
        if (rows.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder("\n## Round-trip ratios\n\n| figure | loopback | in memory | target |\n|---|---:|---:|---|\n");
        void Row(string label, Func<string, double?> figure, string target)
        {
            string Cell(string suffix) => figure(suffix) is { } value ? value.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {Cell("")} | {Cell("InMemory")} | {target} |");
        }

        double? Time(string a, string b, string suffix) =>
            rows.TryGetValue(a + suffix, out var x) && rows.TryGetValue(b + suffix, out var y) ? x.Mean / y.Mean : null;
        double? Bytes(string a, string b, string suffix) =>
            rows.TryGetValue(a + suffix, out var x) && rows.TryGetValue(b + suffix, out var y) && y.Bytes > 0 ? (double)x.Bytes / y.Bytes : null;
        double? OwnCost(string a, string b, string suffix) =>
            rows.TryGetValue(a + suffix, out var x) && rows.TryGetValue(b + suffix, out var y) && rows.TryGetValue("Bare" + suffix, out var bare)
                && y.Mean > bare.Mean ? (x.Mean - bare.Mean) / (y.Mean - bare.Mean) : null;

        Row("SfOAuthGen ÷ Duende, time", s => Time("SfOAuthGen", "Duende", s), "≤ 0.95× (loopback)");
        Row("SfOAuthGen ÷ Duende, allocated", s => Bytes("SfOAuthGen", "Duende", s), "≤ 1×");
        Row("SfOAuthGen ÷ floor, time", s => Time("SfOAuthGen", "HandWritten", s), "≤ 1.10× (loopback)");
        Row("bare (no client work) ÷ Duende, time", s => Time("Bare", "Duende", s), "the best any client can reach");
        Row("own cost beyond bare: SfOAuthGen ÷ Duende", s => OwnCost("SfOAuthGen", "Duende", s), "");
        return text.ToString();
    }
}
