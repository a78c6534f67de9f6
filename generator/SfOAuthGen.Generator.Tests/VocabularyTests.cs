using System.Text.Json;
using System.Text.RegularExpressions;
using SfOAuthGen.Runtime;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Generator.Tests;

/// <summary>
/// The shared manifest vocabulary (<c>vocabulary/</c>) against everything else that states it: the JSON schema, the
/// docs' tables and the runtime's <see cref="SalesforceFlow"/>. A change to one without the others fails here.
/// </summary>
public class VocabularyTests
{
    private static readonly string RepositoryRoot = Path.GetFullPath(Path.Combine(GeneratorHarness.ProjectDirectory, "..", ".."));

    private static readonly Lazy<JsonDocument> Schema = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "sfauth.schema.json"))));

    private static JsonElement OrgSchema => Schema.Value.RootElement.GetProperty("$defs").GetProperty("org");

    public static TheoryData<string> FlowNames() => new(ManifestVocabulary.FlowNames());

    [Fact]
    public void Schema_lists_the_same_flows_and_client_authentications()
    {
        var properties = OrgSchema.GetProperty("properties");

        Assert.Equal(ManifestVocabulary.FlowNames(), Strings(properties.GetProperty("flow").GetProperty("enum")));
        Assert.Equal(ManifestVocabulary.ClientAuthValues, Strings(properties.GetProperty("clientAuth").GetProperty("enum")));
        Assert.Equal(ManifestVocabulary.ClientAuthValues[0], properties.GetProperty("clientAuth").GetProperty("default").GetString());
    }

    [Fact]
    public void Schema_requires_what_every_org_requires()
    {
        Assert.Equal(ManifestVocabulary.OrgRequiredFields, Strings(OrgSchema.GetProperty("required")));
    }

    [Theory]
    [MemberData(nameof(FlowNames))]
    public void Schema_requires_what_the_flow_requires(string flowName)
    {
        var flow = ManifestVocabulary.FindFlow(flowName)!;

        var rule = Assert.Single(FlowRules(flowName, template: false));
        Assert.Equal(flow.RequiredFields, Strings(rule.GetProperty("then").GetProperty("required")));
    }

    [Theory]
    [MemberData(nameof(FlowNames))]
    public void Schema_excuses_a_template_org_exactly_the_tenant_fields(string flowName)
    {
        var expected = ManifestVocabulary.FindFlow(flowName)!.RequiredFields.Except(ManifestVocabulary.TenantFields).ToArray();

        var rules = FlowRules(flowName, template: true);

        Assert.Equal(expected, rules.SelectMany(rule => Strings(rule.GetProperty("then").GetProperty("required"))));
        Assert.Contains(ManifestVocabulary.RefreshToken, ManifestVocabulary.TenantFields);
    }

    private static JsonElement[] FlowRules(string flowName, bool template) =>
        OrgSchema.GetProperty("allOf").EnumerateArray()
            .Where(rule => rule.GetProperty("if").GetProperty("properties").TryGetProperty("flow", out var flow) && flow.GetProperty("const").GetString() == flowName)
            .Where(rule => rule.GetProperty("if").GetProperty("properties").GetProperty(ManifestVocabulary.Template).GetProperty("const").GetBoolean() == template)
            .ToArray();

    [Fact]
    public void Schema_takes_references_exactly_for_the_reference_fields()
    {
        var referenceFields = OrgSchema.GetProperty("properties").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("$ref", out var reference) && reference.GetString() == "#/$defs/reference")
            .Select(p => p.Name);

        Assert.Equal(ManifestVocabulary.ReferenceFields.Order(StringComparer.Ordinal), referenceFields.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("62.0")]
    [InlineData("1.0")]
    [InlineData("62")]
    [InlineData("v62.0")]
    [InlineData("62.0.1")]
    [InlineData(".5")]
    public void Schema_and_vocabulary_agree_on_api_versions(string version)
    {
        var pattern = OrgSchema.GetProperty("properties").GetProperty("apiVersion").GetProperty("pattern").GetString()!;

        Assert.Equal(Regex.IsMatch(version, pattern), ManifestRules.IsApiVersion(version));
    }

    [Fact]
    public void Every_flow_stands_for_a_member_of_the_runtime_SalesforceFlow_and_back()
    {
        Assert.Equal(Enum.GetNames<SalesforceFlow>(), ManifestVocabulary.Flows.Select(f => f.Member));
    }

    [Theory]
    [InlineData("README.md", "requires")]
    [InlineData("README.md", "required fields")]
    [InlineData("docs/flows.md", "required fields")]
    public void Docs_table_lists_each_flows_required_fields(string file, string column)
    {
        var rows = Table(file, column);

        Assert.Equal(ManifestVocabulary.FlowNames(), rows.Select(r => Unquote(r[0])));
        foreach (var row in rows)
        {
            var flow = ManifestVocabulary.FindFlow(Unquote(row[0]))!;
            var expected = flow.AllRequiredFields().Where(f => f is not (ManifestVocabulary.LoginUrl or ManifestVocabulary.Flow));
            Assert.Equal(expected.Order(StringComparer.Ordinal), Fields(row[1]).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Readme_field_table_marks_the_required_and_secret_fields()
    {
        var rows = Table("README.md", "where").Where(r => r[1].StartsWith("org", StringComparison.Ordinal)).ToArray();

        Assert.Equal(ManifestVocabulary.OrgProperties, rows.Select(r => Unquote(r[0])));
        Assert.Equal(ManifestVocabulary.OrgRequiredFields, rows.Where(r => r[1].Contains("required", StringComparison.Ordinal)).Select(r => Unquote(r[0])));
        Assert.Equal(ManifestVocabulary.SecretFields, rows.Where(r => r[1].Contains("secret", StringComparison.Ordinal)).Select(r => Unquote(r[0])));
    }

    [Fact]
    public void Diagnostic_page_of_SFAUTH107_names_each_flows_fields()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "diagnostics", "SFAUTH107.md"));
        var sentence = page.Split('\n').Single(line => line.StartsWith("Each flow needs", StringComparison.Ordinal));

        foreach (var flow in ManifestVocabulary.Flows)
        {
            var clause = sentence.Split(';').Single(c => c.Contains(flow.Name + " needs", StringComparison.Ordinal)).Split('(')[0];
            Assert.Equal(flow.RequiredFields.Order(StringComparer.Ordinal), Fields(clause).Order(StringComparer.Ordinal));
        }
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static string Unquote(string cell) => cell.Trim('`');

    /// <summary>The manifest field names written as code (<c>`clientId`</c>) in a piece of Markdown.</summary>
    private static IEnumerable<string> Fields(string text) =>
        Regex.Matches(text, "`([A-Za-z]+)`").Select(m => m.Groups[1].Value).Where(name => ManifestVocabulary.OrgProperties.Contains(name));

    /// <summary>The body rows (cells trimmed) of the Markdown table whose second header cell is <paramref name="column"/>.</summary>
    private static List<string[]> Table(string file, string column)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot, file));
        var header = Array.FindIndex(lines, line => line.StartsWith('|') && Cells(line).ElementAtOrDefault(1) == column);
        Assert.True(header >= 0, $"{file} has no table with the column '{column}'");
        return lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|')).Select(Cells).ToList();
    }

    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
}
