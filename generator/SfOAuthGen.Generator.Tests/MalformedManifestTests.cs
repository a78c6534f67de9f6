using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SfOAuthGen.Generator.Tests;

/// <summary>
/// The generator never throws: thousands of deterministic mutations of valid manifests produce only SFAUTH diagnostics,
/// never CS8785 (a generator exception), and whatever they still generate parses cleanly.
/// </summary>
public class MalformedManifestTests
{
    private const int Seed = 20261129;
    private const int Mutations = 2500;

    private static readonly string[] WrongValues = ["42", "-1.5e300", "true", "false", "null", "[]", "{}", "[1,[2,{}]]", "\"\"", "\"env:\"", "\"\\ud800\"", "\"x\"", "{\"a\":{}}"];

    [Fact]
    public void Thousands_of_mutated_manifests_never_crash_the_generator()
    {
        var random = new Random(Seed);
        var seeds = new[] { "one-org", "several-orgs", "every-field", "escaped-names", "literal-secrets" }.Select(GeneratorHarness.ReadManifest).ToArray();
        var compilation = GeneratorHarness.CreateCompilation();
        var failures = new List<string>();
        var ids = new HashSet<string>();
        var generatedFiles = 0;
        var parsedSources = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < Mutations; i++)
        {
            var manifest = Mutate(seeds[random.Next(seeds.Length)], random);
            var run = GeneratorHarness.CreateDriver([new InMemoryAdditionalText(GeneratorHarness.ManifestPath, manifest)])
                .RunGenerators(compilation).GetRunResult();
            var result = run.Results.Single();

            var problems = run.Diagnostics.Concat(result.Diagnostics).Where(d => !d.Id.StartsWith("SFAUTH1", StringComparison.Ordinal) || d.Id == "SFAUTH100").ToArray();
            if (result.Exception is not null || problems.Length > 0)
            {
                failures.Add($"#{i}: {result.Exception?.GetType().Name} {string.Join(", ", problems.Select(p => p.ToString()))}\n{Shorten(manifest)}");
                continue;
            }

            ids.UnionWith(result.Diagnostics.Select(d => d.Id));
            foreach (var source in result.GeneratedSources)
            {
                generatedFiles++;
                if (!parsedSources.Add(source.SourceText.ToString()))
                {
                    continue; // most mutants that still generate give the seed's output; parse each distinct text once
                }

                var errors = CSharpSyntaxTree.ParseText(source.SourceText, GeneratorHarness.ParseOptions).GetDiagnostics().ToArray();
                if (errors.Length > 0)
                {
                    failures.Add($"#{i}: {source.HintName} does not parse: {errors[0]}\n{Shorten(manifest)}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));

        // The corpus must reach both outcomes and many different errors, or it proves little.
        Assert.True(generatedFiles > 100, $"only {generatedFiles} files generated");
        Assert.True(ids.Count >= 8, "diagnostics seen: " + string.Join(", ", ids.Order()));
        Assert.Contains("SFAUTH101", ids);
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(100_000)]
    public void Deep_nesting_is_invalid_json_not_a_stack_overflow(int depth)
    {
        var manifest = "{\"orgs\":" + new string('[', depth) + new string(']', depth) + "}";

        var diagnostic = Assert.Single(GeneratorHarness.Run(manifest).Diagnostics);

        Assert.Equal("SFAUTH101", diagnostic.Id);
    }

    [Fact]
    public void Huge_strings_are_handled_everywhere()
    {
        var huge = new string('x', 1_000_000);
        var manifest = "{\"orgs\":{\"" + huge + "\":{\"loginUrl\":\"http://" + huge + ".example\",\"flow\":\"" + huge + "\",\"clientId\":\"env:" + huge + "\",\"" + huge + "\":1}}}";

        var result = GeneratorHarness.Run(manifest);

        Assert.Null(result.Exception);
        Assert.Equal(["SFAUTH103", "SFAUTH106", "SFAUTH108", "SFAUTH110"], result.Diagnostics.Select(d => d.Id).Order());
        Assert.All(result.Diagnostics, d => Assert.True(d.GetMessage().Length < 400, d.GetMessage()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("// only a comment")]
    [InlineData("[]")]
    [InlineData("\"orgs\"")]
    [InlineData("{\"orgs\":{}} {}")]
    [InlineData("{\"orgs\":{\"A\":{\"loginUrl\":\"\\ud800\"}}}")]
    public void Degenerate_files_give_one_clear_error(string manifest)
    {
        var result = GeneratorHarness.Run(manifest);

        Assert.Null(result.Exception);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.True(diagnostic.Id is "SFAUTH101" or "SFAUTH104", diagnostic.ToString());
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Leading_byte_order_mark_is_ignored()
    {
        var result = GeneratorHarness.Run("\uFEFF" + GeneratorHarness.ReadManifest("one-org"));

        Assert.Empty(result.Diagnostics);
        Assert.Single(result.OrgSources());
    }

    private static string Mutate(string text, Random random)
    {
        var rounds = 1 + random.Next(3);
        for (var r = 0; r < rounds; r++)
        {
            text = random.Next(9) switch
            {
                0 => text[..random.Next(text.Length + 1)],
                1 => FlipBytes(text, random),
                2 => text.Insert(random.Next(text.Length + 1), ((char)random.Next(0, 0x3000)).ToString()),
                3 => DeleteRange(text, random),
                4 => ReplaceStringValue(text, random, WrongValues[random.Next(WrongValues.Length)]),
                5 => ReplaceStringValue(text, random, "\"" + new string((char)('a' + random.Next(26)), random.Next(1, 20_000)) + "\""),
                6 => ReplaceStringValue(text, random, new string('[', 70) + new string(']', 70)),
                7 => ReplaceStringValue(text, random, "\"" + RandomKeyish(random) + "\""),
                _ => DuplicateRange(text, random),
            };
        }

        return text;
    }

    private static string FlipBytes(string text, Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length == 0)
        {
            return text;
        }

        var flips = 1 + random.Next(4);
        for (var i = 0; i < flips; i++)
        {
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private static string DeleteRange(string text, Random random)
    {
        var start = random.Next(text.Length + 1);
        return text.Remove(start, random.Next(Math.Min(40, text.Length - start) + 1));
    }

    private static string DuplicateRange(string text, Random random)
    {
        var start = random.Next(text.Length + 1);
        var length = random.Next(Math.Min(200, text.Length - start) + 1);
        return text.Insert(start, text.Substring(start, length));
    }

    /// <summary>Replaces one quoted string (a name or a value) with <paramref name="replacement"/>.</summary>
    private static string ReplaceStringValue(string text, Random random, string replacement)
    {
        var quotes = new List<int>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
            {
                quotes.Add(i);
            }
        }

        if (quotes.Count < 2)
        {
            return text;
        }

        var pair = random.Next(quotes.Count / 2) * 2;
        return string.Concat(text.AsSpan(0, quotes[pair]), replacement, text.AsSpan(quotes[pair + 1] + 1));
    }

    private static string RandomKeyish(Random random)
    {
        const string alphabet = "abcXYZ019-_. <>&\"\\/\t\n\u2028\u00e9\u4e2d";
        var builder = new StringBuilder();
        var length = random.Next(0, 12);
        for (var i = 0; i < length; i++)
        {
            var ch = alphabet[random.Next(alphabet.Length)];
            builder.Append(ch switch { '"' => "\\\"", '\\' => "\\\\", '\t' => "\\t", '\n' => "\\n", _ => ch.ToString() });
        }

        return builder.ToString();
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
