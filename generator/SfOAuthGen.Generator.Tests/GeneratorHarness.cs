using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Generator.Tests;

/// <summary>Drives the generator the way the compiler does, with in-memory manifests and the real runtime as a reference.</summary>
internal static class GeneratorHarness
{
    public const string ManifestPath = "/project/sfauth.json";

    /// <summary>Documentation comments are checked, so a missing or malformed XML doc in generated code is a warning (CS1591, CS1570).</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The running runtime's assemblies: no reference-assembly download at test time. Microsoft.Extensions.* come with
        // the runtime (the generated DI extensions use IServiceCollection), as they do for a consumer.
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                || Path.GetFileName(p).StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
                || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(SalesforceTokenClient).Assembly.Location);
        return [.. paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    /// <summary>The directory of this test project's sources (manifests and snapshots live there).</summary>
    public static string ProjectDirectory { get; } = SourceDirectory();

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"/project/Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                generalDiagnosticOption: ReportDiagnostic.Error));

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> manifests, string? rootNamespace = "Consumer.App")
    {
        var globals = new Dictionary<string, string>();
        if (rootNamespace is not null)
        {
            globals["build_property.RootNamespace"] = rootNamespace;
        }

        return CSharpGeneratorDriver.Create(
            [new SfOAuthGenerator().AsSourceGenerator()],
            manifests,
            ParseOptions,
            new TestOptionsProvider(globals),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>Runs the generator over one manifest and returns its result (sources, diagnostics, tracked steps).</summary>
    public static GeneratorRunResult Run(string manifest, string? rootNamespace = "Consumer.App") =>
        CreateDriver([new InMemoryAdditionalText(ManifestPath, manifest)], rootNamespace)
            .RunGenerators(CreateCompilation())
            .GetRunResult()
            .Results
            .Single();

    /// <summary>Runs the generator and compiles its output together with <paramref name="sources"/>.</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics) RunAndCompile(string manifest, string? rootNamespace = "Consumer.App", params string[] sources)
    {
        CreateDriver([new InMemoryAdditionalText(ManifestPath, manifest)], rootNamespace)
            .RunGeneratorsAndUpdateCompilation(CreateCompilation(sources), out var output, out var diagnostics);
        return (output, diagnostics);
    }

    /// <summary>The org classes only: without the DI registration file (one per namespace) that accompanies them.</summary>
    public static ImmutableArray<GeneratedSourceResult> OrgSources(this GeneratorRunResult result) =>
        [.. result.GeneratedSources.Where(s => !s.HintName.EndsWith(RegistrationsHintSuffix, StringComparison.Ordinal))];

    public const string RegistrationsHintSuffix = "SalesforceOrgsServiceCollectionExtensions.g.cs";

    public static string ReadManifest(string name) => File.ReadAllText(Path.Combine(ProjectDirectory, "Manifests", name + ".json"));

    // Found from the test binaries rather than [CallerFilePath]: CI builds map source paths to /_/ (deterministic builds).
    private static string SourceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SfOAuthGen.sln")))
            {
                return Path.Combine(directory.FullName, "generator", "SfOAuthGen.Generator.Tests");
            }
        }

        throw new InvalidOperationException($"No SfOAuthGen.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}

/// <summary>An AdditionalFile held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

    public override string Path => path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>MSBuild properties as the compiler passes them (<c>build_property.X</c>).</summary>
internal sealed class TestOptionsProvider(Dictionary<string, string> globals) : AnalyzerConfigOptionsProvider
{
    private static readonly DictionaryOptions Empty = new([]);

    public override AnalyzerConfigOptions GlobalOptions { get; } = new DictionaryOptions(globals);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

    private sealed class DictionaryOptions(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
