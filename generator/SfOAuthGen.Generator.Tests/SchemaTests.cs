using System.Text.Json;
using Json.Schema;
using SfOAuthGen.Generator.Parsing;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Generator.Tests;

/// <summary><c>sfauth.schema.json</c> accepts every manifest the generator accepts, rejects what it rejects, and knows the same fields.</summary>
public class SchemaTests
{
    private static readonly string RepositoryRoot = Path.GetFullPath(Path.Combine(GeneratorHarness.ProjectDirectory, "..", ".."));

    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryRoot, "sfauth.schema.json"))));

    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static TheoryData<string> ValidManifests()
    {
        var data = new TheoryData<string>
        {
            "sfauth.json",
            "integration-tests/SfOAuthGen.IntegrationTests/sfauth.json",
        };
        foreach (var file in Directory.GetFiles(Path.Combine(GeneratorHarness.ProjectDirectory, "Manifests"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryRoot, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidManifests))]
    public void Valid_manifest_validates_against_the_schema_and_generates_without_diagnostics(string relativePath)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot, relativePath));
        using var document = JsonDocument.Parse(text, Lenient);

        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(results.IsValid, Describe(results));
        // $schema resolves, relative to the manifest, to the repository's schema, so editors find it.
        var reference = document.RootElement.GetProperty("$schema").GetString()!;
        var manifestDirectory = Path.GetDirectoryName(Path.Combine(RepositoryRoot, relativePath))!;
        Assert.Equal(Path.Combine(RepositoryRoot, "sfauth.schema.json"), Path.GetFullPath(Path.Combine(manifestDirectory, reference)));
        Assert.Empty(GeneratorHarness.Run(text).Diagnostics);
    }

    [Theory]
    [InlineData("""{ "orgs": { "A": { "loginUrl": "https://a.example", "flow": "jwt_bearer", "clientId": "env:ID", "username": "env:U" } } }""")]
    [InlineData("""{ "orgs": { "A": { "loginUrl": "https://a.example", "flow": "passwrd", "clientId": "env:ID" } } }""")]
    [InlineData("""{ "orgs": { "A": { "loginUrl": "http://test.salesforce.com", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:R" } } }""")]
    [InlineData("""{ "orgs": { "A": { "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:R", "sessionLifetme": "01:00:00" } } }""")]
    [InlineData("""{ "orgs": { "A": { "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:R", "verifySignature": "yes" } } }""")]
    [InlineData("""{ "orgs": { "A": { "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:R", "sessionLifetime": "2 hours" } } }""")]
    [InlineData("""{ "version": 2, "orgs": {} }""")]
    [InlineData("""{ "namespace": "My-App", "orgs": {} }""")]
    [InlineData("""{ "orgs": { "--": { "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:R" } } }""")]
    [InlineData("""{ "version": 1 }""")]
    [InlineData("""{ "orgs": { "A": { "template": true, "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:R" } } }""")]
    [InlineData("""{ "orgs": { "A": { "template": false, "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID" } } }""")]
    [InlineData("""{ "orgs": { "A": { "template": true, "loginUrl": "https://a.example", "flow": "jwt_bearer", "clientId": "env:ID" } } }""")]
    public void Manifest_the_generator_rejects_fails_the_schema_too(string manifest)
    {
        using var document = JsonDocument.Parse(manifest);

        Assert.False(Schema.Value.Evaluate(document.RootElement).IsValid);
        Assert.NotEmpty(GeneratorHarness.Run(manifest).Diagnostics);
    }

    [Fact]
    public void Schema_and_parser_know_the_same_properties()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "sfauth.schema.json")));
        var root = schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        var org = schema.RootElement.GetProperty("$defs").GetProperty("org").GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(ManifestVocabulary.RootProperties.Order(StringComparer.Ordinal), root);
        Assert.Equal(ManifestVocabulary.OrgProperties.Order(StringComparer.Ordinal), org);
    }

    private static string Describe(EvaluationResults results) =>
        string.Join("\n", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")));
}
