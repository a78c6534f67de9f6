using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SfOAuthGen.Generator.Tests;

/// <summary>Incremental behaviour, observed through <c>trackIncrementalGeneratorSteps</c> and our tracking names.</summary>
public class CachingTests
{
    private const string ThreeOrgs = """
        {
          "namespace": "Contoso.Salesforce",
          "orgs": {
            "Alpha": { "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:A_ID", "refreshToken": "env:A_RT" },
            "Beta": { "loginUrl": "https://b.example", "flow": "refresh_token", "clientId": "env:B_ID", "refreshToken": "env:B_RT" },
            "Gamma": { "loginUrl": "https://c.example", "flow": "refresh_token", "clientId": "env:C_ID", "refreshToken": "env:C_RT" }
          }
        }
        """;

    private static readonly string[] OurSteps =
    [
        TrackingNames.ManifestFiles, TrackingNames.RootNamespace, TrackingNames.ParsedManifests,
        TrackingNames.GenerationPlan, TrackingNames.OrgModels, TrackingNames.Diagnostics,
        TrackingNames.RegistrationPlan, TrackingNames.Registrations,
    ];

    [Fact]
    public void Unrelated_csharp_edit_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation("class Program { static void Main() { } }");
        var driver = GeneratorHarness.CreateDriver([new InMemoryAdditionalText(GeneratorHarness.ManifestPath, ThreeOrgs)]).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Edited { int X => 42; }", GeneratorHarness.ParseOptions));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(3, first.OrgSources().Length);
        foreach (var step in OurSteps)
        {
            var reasons = Reasons(second, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }

        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Equal(SourcesOf(first), SourcesOf(second));
    }

    [Fact]
    public void Whitespace_only_manifest_edit_keeps_models_unchanged_and_re_emits_nothing()
    {
        var original = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, ThreeOrgs);
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver([original]).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var reformatted = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, "\n\n  " + ThreeOrgs.Replace(": ", " :   ", StringComparison.Ordinal).Replace("\n", "\n\n", StringComparison.Ordinal) + "\n// trailing comment\n");
        var second = driver.ReplaceAdditionalText(original, reformatted).RunGenerators(compilation).GetRunResult().Results.Single();

        // The file was re-read (positions moved), but the plan of models compares equal, so nothing downstream runs.
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, TrackingNames.ManifestFiles)));
        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(Reasons(second, TrackingNames.GenerationPlan)));
        var models = Reasons(second, TrackingNames.OrgModels);
        Assert.Equal(3, models.Length);
        Assert.All(models, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.Equal(0, ReEmitted(second));
        Assert.Equal(SourcesOf(first), SourcesOf(second));
    }

    [Fact]
    public void Editing_one_org_of_three_re_emits_exactly_one_file()
    {
        var original = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, ThreeOrgs);
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver([original]).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var edited = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, ThreeOrgs.Replace("https://b.example", "https://b2.example", StringComparison.Ordinal));
        var second = driver.ReplaceAdditionalText(original, edited).RunGenerators(compilation).GetRunResult().Results.Single();

        var models = Reasons(second, TrackingNames.OrgModels);
        Assert.Equal(1, models.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(2, models.Count(r => r == IncrementalStepRunReason.Unchanged));
        Assert.Equal(1, ReEmitted(second));

        var before = SourcesOf(first);
        var after = SourcesOf(second);
        Assert.Equal(["BetaOrg.g.cs"], before.Keys.Where(k => before[k] != after[k]));
        Assert.Contains("https://b2.example", after["BetaOrg.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Editing_one_orgs_other_fields_does_not_re_emit_the_registration_file()
    {
        var original = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, ThreeOrgs);
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver([original]).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var edited = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, ThreeOrgs.Replace("env:B_RT", "env:B_RT_2", StringComparison.Ordinal).Replace("https://c.example", "https://c2.example", StringComparison.Ordinal));
        var second = driver.ReplaceAdditionalText(original, edited).RunGenerators(compilation).GetRunResult().Results.Single();

        // The plan changed, the list of class names did not: the registration step compares equal and nothing is re-emitted.
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, TrackingNames.GenerationPlan)));
        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(Reasons(second, TrackingNames.RegistrationPlan)));
        Assert.All(Reasons(second, TrackingNames.Registrations), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.Equal(0, ReEmitted(second, TrackingNames.Registrations));
        Assert.Equal(2, ReEmitted(second));

        var registrations = "Contoso.Salesforce." + GeneratorHarness.RegistrationsHintSuffix;
        Assert.Equal(SourcesOf(first)[registrations], SourcesOf(second)[registrations]);
    }

    [Fact]
    public void Adding_an_org_re_emits_the_registration_file_with_it()
    {
        var original = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, ThreeOrgs);
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver([original]).RunGenerators(compilation);

        var delta = "\"Delta\": { \"loginUrl\": \"https://d.example\", \"flow\": \"refresh_token\", \"clientId\": \"env:D_ID\", \"refreshToken\": \"env:D_RT\" },\n    \"Gamma\"";
        var edited = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, ThreeOrgs.Replace("\"Gamma\"", delta, StringComparison.Ordinal));
        var second = driver.ReplaceAdditionalText(original, edited).RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(second, TrackingNames.RegistrationPlan)));
        Assert.Equal(1, ReEmitted(second, TrackingNames.Registrations));
        Assert.Contains("global::Contoso.Salesforce.DeltaOrg.Settings", SourcesOf(second)["Contoso.Salesforce." + GeneratorHarness.RegistrationsHintSuffix], StringComparison.Ordinal);
    }

    [Fact]
    public void Unrelated_option_change_keeps_root_namespace_unchanged()
    {
        var manifest = new InMemoryAdditionalText(GeneratorHarness.ManifestPath, """{ "orgs": { "A": { "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:RT" } } }""");
        var compilation = GeneratorHarness.CreateCompilation();
        var driver = GeneratorHarness.CreateDriver([manifest], "Root.Ns").RunGenerators(compilation);

        var options = new TestOptionsProvider(new Dictionary<string, string> { ["build_property.RootNamespace"] = "Root.Ns", ["build_property.Other"] = "changed" });
        var second = driver.WithUpdatedAnalyzerConfigOptions(options).RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(Reasons(second, TrackingNames.RootNamespace)));
        Assert.All(Reasons(second, TrackingNames.OrgModels), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Equal(0, ReEmitted(second));
    }

    [Fact]
    public void Step_outputs_hold_no_compilation_symbol_or_syntax()
    {
        var manifest = GeneratorHarness.ReadManifest("every-field");
        var broken = """{ "orgs": { "X": { "flow": "nope" } }, "oops": 1 }""";
        var result = GeneratorHarness.CreateDriver([new InMemoryAdditionalText("/a/sfauth.json", manifest), new InMemoryAdditionalText("/b/sfauth.json", broken)])
            .RunGenerators(GeneratorHarness.CreateCompilation()).GetRunResult().Results.Single();

        var visited = 0;
        foreach (var step in OurSteps.Where(s => s != TrackingNames.ManifestFiles))
        {
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                visited += AssertNoBannedTypes(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }

        Assert.True(visited > 50, $"walked {visited} objects");
    }

    private static int AssertNoBannedTypes(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return 0;
        }

        var type = value.GetType();
        Assert.False(value is Compilation or ISymbol or SyntaxNode or SyntaxTree or SemanticModel, $"{path} holds a {type}");
        Assert.False(value is Location { IsInSource: true }, $"{path} holds a source Location");
        if (value is DiagnosticDescriptor)
        {
            return 1; // static, immutable metadata
        }

        var count = 1;
        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                count += AssertNoBannedTypes(item, $"{path}[{i++}]", seen);
            }
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                count += AssertNoBannedTypes(field.GetValue(value), $"{path}.{field.Name}", seen);
            }
        }

        return count;
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    /// <summary>Source outputs that ran again (new or modified input), counted over the output fed by <paramref name="step"/>.</summary>
    private static int ReEmitted(GeneratorRunResult result, string step = TrackingNames.OrgModels) =>
        result.TrackedOutputSteps.SelectMany(s => s.Value)
            .Where(s => s.Inputs.Any(i => i.Source.Name == step))
            .SelectMany(s => s.Outputs)
            .Count(o => o.Reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified);

    private static Dictionary<string, string> SourcesOf(GeneratorRunResult result) =>
        result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
}
