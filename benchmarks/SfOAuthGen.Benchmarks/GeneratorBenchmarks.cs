using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SfOAuthGen.Generator;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Benchmarks;

/// <summary>
/// Issue item 4: the generator driven the way the compiler drives it (<see cref="CSharpGeneratorDriver"/>, the manifest as an
/// in-memory AdditionalText). A full run starts from a new driver; the rerun reuses a driver that has run once and sees a
/// compilation with one unrelated C# edit (setup checks that every step of ours is then Cached or Unchanged).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const string ManifestPath = "/project/sfauth.json";
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);
    private static readonly string[] OurSteps = ["ManifestFiles", "RootNamespace", "ParsedManifests", "GenerationPlan", "OrgModels", "Diagnostics"];

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private AdditionalText _manifest = null!;
    private GeneratorDriver _warm = null!;
    private string[] _hintNames = [];

    [Params(1, 100, 1000)]
    public int Orgs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _manifest = new InMemoryAdditionalText(ManifestPath, Manifest(Orgs));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll")
            .Append(typeof(SalesforceTokenClient).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var program = CSharpSyntaxTree.ParseText("namespace Consumer.App; public static class Program { public static int Main() => 0; }", ParseOptions, "/project/Program.cs");
        _compilation = CSharpCompilation.Create("Consumer", [program], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var edit = program.WithChangedText(program.GetText().Replace(new TextSpan(program.Length - 1, 0), "\npublic static class Edited { public static int X => 42; }"));
        _edited = _compilation.ReplaceSyntaxTree(program, edit);

        // One file per org, plus the namespace's DI registration file.
        var first = CreateDriver(track: true).RunGenerators(_compilation);
        var result = first.GetRunResult().Results.Single();
        if (result.Exception is not null || result.GeneratedSources.Length != Orgs + 1 || result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new InvalidOperationException($"The generator made {result.GeneratedSources.Length} sources for {Orgs} orgs (expected one each plus the registration file): {result.Exception?.Message} {string.Join("; ", result.Diagnostics)}");
        }

        var rerun = first.RunGenerators(_edited).GetRunResult().Results.Single();
        foreach (var step in OurSteps)
        {
            var reasons = rerun.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            if (reasons.Count == 0 || reasons.Any(r => r is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)))
            {
                throw new InvalidOperationException($"Step {step} was not cached after an unrelated edit: {string.Join(", ", reasons)}");
            }
        }

        _warm = CreateDriver(track: false).RunGenerators(_compilation);
        _hintNames = result.GeneratedSources.Select(s => s.HintName).ToArray();
    }

    [Benchmark(Description = "full run (new driver)")]
    public int FullRun() => CreateDriver(track: false).RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;

    [Benchmark(Description = "rerun after unrelated C# edit")]
    public int RerunAfterUnrelatedEdit() => _warm.RunGenerators(_edited).GetRunResult().GeneratedTrees.Length;

    /// <summary>
    /// What Roslyn's driver costs on its own for the same files: a generator that adds a one-line source under each of our
    /// hint names, through one source output per item as ours does. The driver checks each new hint name against every
    /// earlier one of the generator, so this floor is itself super-linear in the number of files.
    /// </summary>
    [Benchmark(Description = "floor: driver alone, one-line files, same hint names")]
    public int DriverFloor() =>
        CSharpGeneratorDriver.Create(
            [new OneLineFilesGenerator(_hintNames).AsSourceGenerator()],
            [_manifest],
            ParseOptions,
            null,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false))
        .RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;

    private GeneratorDriver CreateDriver(bool track) =>
        CSharpGeneratorDriver.Create(
            [new SfOAuthGenerator().AsSourceGenerator()],
            [_manifest],
            ParseOptions,
            new BuildProperties(ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", "Consumer.App")),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    /// <summary>A manifest of <paramref name="orgs"/> password-flow orgs with reference secrets, like a real one.</summary>
    internal static string Manifest(int orgs)
    {
        var json = new StringBuilder("{\n  \"version\": 1,\n  \"namespace\": \"Contoso.Salesforce\",\n  \"orgs\": {\n");
        for (var i = 0; i < orgs; i++)
        {
            var n = i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
            json.Append($$"""
                    "Org{{n}}": {
                      "loginUrl": "https://org{{n}}.my.salesforce.com",
                      "flow": "password",
                      "clientId": "env:SF_ORG{{n}}_CLIENT_ID",
                      "clientSecret": "env:SF_ORG{{n}}_CLIENT_SECRET",
                      "username": "env:SF_ORG{{n}}_USERNAME",
                      "password": "env:SF_ORG{{n}}_PASSWORD",
                      "securityToken": "env:SF_ORG{{n}}_SECURITY_TOKEN",
                      "sessionLifetime": "02:00:00"
                    }{{(i + 1 < orgs ? "," : "")}}

                """);
        }

        return json.Append("  }\n}\n").ToString();
    }

    private sealed class OneLineFilesGenerator(string[] hintNames) : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var names = context.AdditionalTextsProvider.SelectMany((_, _) => hintNames);
            context.RegisterSourceOutput(names, static (spc, name) => spc.AddSource(name, "// one line\n"));
        }
    }

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class BuildProperties(ImmutableDictionary<string, string> globals) : AnalyzerConfigOptionsProvider
    {
        private static readonly Options Empty = new(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(globals);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                values.TryGetValue(key, out value);
        }
    }
}
