using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using SfOAuthGen.Generator.Analyzers;
using static SfOAuthGen.Generator.Tests.Analyzers.AnalyzerHarness;

namespace SfOAuthGen.Generator.Tests.Analyzers;

/// <summary>
/// The analyzers never throw (an exception would surface as AD0001): mutated manifests, odd C# and broken C#. The harness
/// fails a run on any analyzer exception, so each case below also asserts that.
/// </summary>
public class AnalyzerRobustnessTests
{
    private const int Seed = 20270220;

    [Fact]
    public async Task Mutated_manifests_never_crash_the_manifest_analyzer()
    {
        var random = new Random(Seed);
        var seeds = new[] { "one-org", "several-orgs", "every-field", "escaped-names", "literal-secrets" }.Select(GeneratorHarness.ReadManifest).ToArray();
        var analyzers = ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new ManifestAnalyzer());
        var compilation = CreateCompilation();
        var ids = new HashSet<string>();

        // One compilation analyses many manifests at once (each its own file), so the pass stays fast.
        for (var batch = 0; batch < 40; batch++)
        {
            var files = Enumerable.Range(0, 50)
                .Select(i => (AdditionalText)new InMemoryAdditionalText($"/project/m{batch}-{i}/sfauth.json", Mutate(seeds[random.Next(seeds.Length)], random)))
                .ToImmutableArray();

            var found = await AnalyzeAsync(compilation, files, analyzers);

            ids.UnionWith(found.Select(f => f.Id));
            Assert.All(found, f => Assert.True(f.Line >= 1 && f.Column >= 1, f.ToString()));
        }

        // Mutants still reach every rule, or the pass proves little.
        Assert.Equal(["SFAUTH001", "SFAUTH004", "SFAUTH005"], ids.Order());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"orgs\": []}")]
    [InlineData("{\"orgs\": {\"A\": \"password\", \"B\": null, \"C\": {\"flow\": 1, \"loginUrl\": {}}}}")]
    [InlineData("{\"orgs\": {\"A\": {\"flow\": \"client_credentials\", \"loginUrl\": \"https://\"}}}")]
    [InlineData("{\"orgs\": {\"A\": {\"password\": \"\\ud800\"}}}")]
    [InlineData("\uFEFF{\"orgs\": {\"\": {\"password\": \"hunter2\"}}}")]
    [InlineData("{\"orgs\": {\"A\": {\"password\": \"hunter2\"")]
    public async Task Degenerate_manifests_are_analysed_without_error(string manifest)
    {
        var found = await AnalyzeManifestAsync(manifest);

        // Only a manifest that reads as JSON can hold a reportable secret: the empty org key still gets one.
        Assert.All(found, f => Assert.Equal("SFAUTH001", f.Id));
        Assert.Equal(manifest.StartsWith('\uFEFF') ? 1 : 0, found.Length);
    }

    [Fact]
    public async Task Huge_manifest_values_are_handled()
    {
        var huge = new string('k', 1_000_000);
        var manifest = "{\"orgs\":{\"" + huge + "\":{\"flow\":\"password\",\"password\":\"" + huge + "\",\"refreshToken\":\"5Aep861" + huge + "\"}}}";

        var found = await AnalyzeManifestAsync(manifest);

        Assert.Equal(["SFAUTH004", "SFAUTH001", "SFAUTH001"], found.Select(f => f.Id));
        Assert.All(found, f => Assert.True(f.Message.Length < 400, "messages cap long org names"));
    }

    public static TheoryData<string> UnusualCode() => new()
    {
        "class",
        "static class C { void M() { new SecretValue(",
        "static class C { static void M() => new SecretValue(\"a\" + ; }",
        "static class C { static readonly string A = B; static readonly string B = A; static void M() => _ = new SecretValue(A); }",
        "static class C { static string P => \"hunter2\"; static void M() => _ = new SecretValue(P); }",
        "static class C { static void M() { _ = new SecretValue(null!); _ = new SecretValue(default!); _ = new SecretValue((string)(object)\"x2y\"); } }",
        "static class C { static void M(dynamic d) { _ = new SecretValue(d); _ = new SecretValue((dynamic)\"hunter2\"); } }",
        "static class C { static void M() { _ = new SecretValue(nameof(M)); _ = new SecretValue($\"{1,5}\"); _ = new SecretValue($\"{DateTime.Now:yyyy}\"); } }",
        "sealed class C { [SalesforceSecret] public string this[[SalesforceSecret] string k] { get => k; set { } } static void M() { var c = new C(); c[\"hunter2\"] = \"s3cret\"; } }",
        "static class C { static void M() { void Local([SalesforceSecret] string s) { } Local(\"hunter2\"); System.Action<string> a = s => _ = new SecretValue(s); a(\"hunter2\"); } }",
        "namespace Other { [System.AttributeUsage(System.AttributeTargets.All)] sealed class SalesforceSecretAttribute : System.Attribute { } static class C { static void M([SalesforceSecret] string s) => M(\"hunter2\"); } }",
        "static class C { static void M(params string[] s) { } [SalesforceSecret] static string[] Arr = [\"a1\", \"b2\"]; }",
        "var x = new SecretValue(\"top-level-Pa55\"); System.Console.WriteLine(x);",
        "static class C { const string A = \"00D\" + \"5g000004XyZ1!\"; static string S = A + A + A; }",
        "static class C { static string S = \"\\uD800\\uDC00\\uD800\" + '\\0'; static string T = @\"\"\"\" + \"\"\"\n raw \"\"\n \"\"\"; }",
        "static class C { static string M() => \"3MVG\" + new string('9', 10) + \"5Aep861\" + \"00D\"; }",
    };

    [Theory]
    [MemberData(nameof(UnusualCode))]
    public async Task Unusual_or_broken_code_is_analysed_without_error(string code)
    {
        var found = await AnalyzeCodeAsync(SourceUsings + code);

        Assert.All(found, f => Assert.StartsWith("SFAUTH00", f.Id));
    }

    [Fact]
    public async Task Huge_expressions_and_literals_are_bounded()
    {
        var concatenation = "static class C { static readonly string F = \"x9\"; static void M() => _ = new SecretValue(F" + string.Concat(Enumerable.Repeat(" + F", 5_000)) + "); }";
        var literal = "static class C { const string S = \"" + string.Concat(Enumerable.Repeat("3MVG9 5Aep861 00D!", 60_000)) + "\"; }";

        Assert.Empty(await AnalyzeCodeAsync(SourceUsings + concatenation));
        Assert.Empty(await AnalyzeCodeAsync(SourceUsings + literal));
    }

    [Fact]
    public async Task Mutated_code_never_crashes_the_code_analyzers()
    {
        var random = new Random(Seed);
        var sources = new[]
        {
            InMethod("        _ = new SalesforceOrgSettings { Name = \"Acme\", LoginUrl = new Uri(\"https://x\"), Password = SecretReference.Literal(\"hunter\" + \"2\") };"),
            InMethod("        const string P = \"Tr0ub\"; _ = new SecretValue($\"{P}4dor\" ?? config[\"x\"]); var t = \"" + new FakeCredentials(3).AccessToken() + "\";"),
            SourceUsings + "static class K { static readonly string A = \"a\" + \"b\"; static string B { get; } = A; static void M() => _ = new SecretValue(B); }",
        };

        var compilations = Enumerable.Range(0, 150)
            .Select(_ => CreateCompilation(Mutate(sources[random.Next(sources.Length)], random)));

        foreach (var compilation in compilations)
        {
            var found = await AnalyzeAsync(compilation, []);
            Assert.All(found, f => Assert.StartsWith("SFAUTH00", f.Id));
        }
    }

    private static string Mutate(string text, Random random)
    {
        var rounds = 1 + random.Next(3);
        for (var r = 0; r < rounds && text.Length > 0; r++)
        {
            var at = random.Next(text.Length);
            text = random.Next(5) switch
            {
                0 => text[..at],
                1 => text.Remove(at, random.Next(Math.Min(30, text.Length - at) + 1)),
                2 => text.Insert(at, ((char)random.Next(0, 0x3000)).ToString()),
                3 => text.Insert(at, text.Substring(at, random.Next(Math.Min(120, text.Length - at) + 1))),
                _ => FlipByte(text, random),
            };
        }

        return text;
    }

    private static string FlipByte(string text, Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        return Encoding.UTF8.GetString(bytes);
    }
}
