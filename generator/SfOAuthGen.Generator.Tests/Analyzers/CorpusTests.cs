using System.Text.Json;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;
using static SfOAuthGen.Generator.Tests.Analyzers.AnalyzerHarness;

namespace SfOAuthGen.Generator.Tests.Analyzers;

/// <summary>
/// Precision and recall of the secret rules (SFAUTH001–003) over the labelled corpus in <c>Corpus/secrets.json</c>:
/// every true secret must be found (recall 1.0) and at most one report in twenty may be a false alarm (precision ≥ 0.95).
/// </summary>
public class CorpusTests(ITestOutputHelper output)
{
    private static readonly string[] SecretRules = ["SFAUTH001", "SFAUTH002", "SFAUTH003"];

    [Fact]
    public async Task Secret_rules_find_every_secret_with_few_false_alarms()
    {
        var entries = LoadCorpus();
        var fakes = new FakeCredentials(20270220);
        int truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0;
        var misses = new List<string>();

        foreach (var entry in entries)
        {
            var text = fakes.Expand(entry.Text);
            var found = entry.Kind == "json" ? await AnalyzeJsonAsync(text, entry.Note) : await AnalyzeCSharpAsync(text, entry.Note);
            var detected = found.Any(f => SecretRules.Contains(f.Id));
            switch ((entry.IsSecret, detected))
            {
                case (true, true): truePositives++; break;
                case (false, false): trueNegatives++; break;
                case (true, false): falseNegatives++; misses.Add("missed secret: " + entry.Note); break;
                case (false, true): falsePositives++; misses.Add("false alarm: " + entry.Note + " (" + string.Join(", ", found.Select(f => f.Id)) + ")"); break;
            }
        }

        var precision = truePositives / (double)(truePositives + falsePositives);
        var recall = truePositives / (double)(truePositives + falseNegatives);

        // Only notes are printed, never the values.
        output.WriteLine($"corpus: {entries.Count} entries, {entries.Count(e => e.IsSecret)} secrets, {entries.Count(e => !e.IsSecret)} look-alikes");
        output.WriteLine($"TP {truePositives}, FP {falsePositives}, FN {falseNegatives}, TN {trueNegatives}");
        output.WriteLine($"precision {precision:F3}, recall {recall:F3}");
        misses.ForEach(output.WriteLine);

        Assert.True(entries.Count(e => e.IsSecret) >= 40 && entries.Count(e => !e.IsSecret) >= 40, "the corpus needs at least 40 of each");
        Assert.Equal(1.0, recall);
        Assert.True(precision >= 0.95, $"precision {precision:F3}: " + string.Join("; ", misses));
    }

    [Fact]
    public void Corpus_covers_json_and_csharp_and_every_token_shape()
    {
        var entries = LoadCorpus();

        Assert.All(new[] { "json", "csharp" }, kind =>
        {
            Assert.Contains(entries, e => e.Kind == kind && e.IsSecret);
            Assert.Contains(entries, e => e.Kind == kind && !e.IsSecret);
        });
        Assert.All(new[] { "{{access}}", "{{refresh}}", "{{refresh-old}}", "{{key}}", "{{secret64}}", "{{secret19}}", "{{token}}" }, slot =>
            Assert.Contains(entries, e => e.IsSecret && e.Text.Contains(slot, StringComparison.Ordinal)));
        Assert.Equal(entries.Count, entries.Select(e => e.Note).Distinct().Count());
    }

    private static async Task<Found[]> AnalyzeJsonAsync(string text, string note)
    {
        var manifest = text.TrimStart().StartsWith('{')
            ? text
            : OneOrg("      \"loginUrl\": \"https://acme.my.salesforce.com\",\n      \"flow\": \"refresh_token\",\n      \"clientId\": \"env:SF_ACME_CLIENT_ID\",\n      " + text);

        // A corpus entry that is not valid JSON would count as "not detected" for the wrong reason.
        try
        {
            using var _ = JsonDocument.Parse(manifest, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            Assert.Fail(note + ": not valid JSON at line " + exception.LineNumber);
        }

        return await AnalyzeManifestAsync(manifest);
    }

    private static async Task<Found[]> AnalyzeCSharpAsync(string text, string note)
    {
        var source = text.Contains("class ", StringComparison.Ordinal) ? SourceUsings + text : InMethod(text);
        var compilation = CreateCompilation(source);

        // Likewise, each entry must be real C#.
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, note + ": " + string.Join("; ", errors.Select(e => e.Id + " at " + e.Location.GetLineSpan().StartLinePosition)));
        return await AnalyzeAsync(compilation, []);
    }

    private static List<CorpusEntry> LoadCorpus()
    {
        var path = Path.Combine(GeneratorHarness.ProjectDirectory, "Analyzers", "Corpus", "secrets.json");
        var corpus = JsonSerializer.Deserialize<CorpusFile>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        return corpus.Entries;
    }

    private sealed record CorpusFile(string Description, List<CorpusEntry> Entries);

    private sealed record CorpusEntry(string Kind, string Text, bool IsSecret, string Note);
}
