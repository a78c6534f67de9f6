using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SfOAuthGen.Generator.Analyzers;

namespace SfOAuthGen.Generator.Tests.Analyzers;

/// <summary>One diagnostic as a test compares it: 1-based line and column, like the compiler prints them.</summary>
internal sealed record Found(string Id, DiagnosticSeverity Severity, string Message, string Path, int Line, int Column)
{
    public static Found From(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        return new Found(diagnostic.Id, diagnostic.Severity, diagnostic.GetMessage(), span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
    }

    public override string ToString() => $"{Path}({Line},{Column}): {Severity} {Id}: {Message}";
}

/// <summary>
/// Runs SfOAuthGen's analyzers with <see cref="CompilationWithAnalyzers"/> over a compilation built like
/// <see cref="GeneratorHarness"/> builds one (the running runtime's assemblies, no package download), with manifests as
/// in-memory AdditionalFiles. Any analyzer exception fails the run, so every test also proves there is no AD0001.
/// </summary>
internal static class AnalyzerHarness
{
    public const string SourceUsings = "using System;\nusing System.Collections.Generic;\nusing System.IO;\nusing SfOAuthGen.Runtime;\n";

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = [new ManifestAnalyzer(), new SecretFlowAnalyzer(), new TokenLiteralAnalyzer()];

    public static CSharpCompilation CreateCompilation(params string[] sources)
    {
        var compilation = GeneratorHarness.CreateCompilation(sources);

        // The generator harness turns every warning into an error; analyzers are judged at their own severity here.
        return compilation.WithOptions(compilation.Options.WithGeneralDiagnosticOption(ReportDiagnostic.Default));
    }

    /// <summary>Analyzer diagnostics for C# <paramref name="sources"/> (no manifest).</summary>
    public static Task<Found[]> AnalyzeCodeAsync(params string[] sources) => AnalyzeAsync(CreateCompilation(sources), []);

    /// <summary>Analyzer diagnostics for one manifest at <see cref="GeneratorHarness.ManifestPath"/>.</summary>
    public static Task<Found[]> AnalyzeManifestAsync(string manifest, string path = GeneratorHarness.ManifestPath) =>
        AnalyzeAsync(CreateCompilation(), [new InMemoryAdditionalText(path, manifest)]);

    public static async Task<Found[]> AnalyzeAsync(Compilation compilation, ImmutableArray<AdditionalText> additionalFiles, ImmutableArray<DiagnosticAnalyzer>? analyzers = null)
    {
        var diagnostics = await AnalyzeRawAsync(compilation, additionalFiles, analyzers);
        return [.. diagnostics.Select(Found.From).OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Column).ThenBy(f => f.Id, StringComparer.Ordinal)];
    }

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeRawAsync(Compilation compilation, ImmutableArray<AdditionalText> additionalFiles, ImmutableArray<DiagnosticAnalyzer>? analyzers = null)
    {
        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(additionalFiles),
            (exception, analyzer, _) => exceptions.Enqueue(analyzer.GetType().Name + ": " + exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(analyzers ?? Analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);

        Assert.True(exceptions.IsEmpty, "an analyzer threw: " + string.Join("\n", exceptions));
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }

    /// <summary>Wraps statements in a method of a class, with the usings a consumer would write.</summary>
    public static string InMethod(string statements) =>
        SourceUsings + "static class Snippet\n{\n    static void Run(IDictionary<string, string> config, SalesforceOrgSettings settings)\n    {\n" + statements + "\n    }\n}\n";

    /// <summary>A manifest with one org, <c>Acme</c>, whose properties are <paramref name="properties"/> (JSON members, comma-separated).</summary>
    public static string OneOrg(string properties) =>
        "{\n  \"orgs\": {\n    \"Acme\": {\n" + properties + "\n    }\n  }\n}\n";
}
