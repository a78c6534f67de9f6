using Microsoft.CodeAnalysis;
using static SfOAuthGen.Generator.Tests.Analyzers.AnalyzerHarness;

namespace SfOAuthGen.Generator.Tests.Analyzers;

/// <summary>SFAUTH001 (literal secrets in sfauth.json), SFAUTH004 (retiring password flow), SFAUTH005 (client credentials on a generic host).</summary>
public class ManifestAnalyzerTests
{
    private const string Path = GeneratorHarness.ManifestPath;
    private const string MyDomainRefresh = "      \"loginUrl\": \"https://acme.my.salesforce.com\",\n      \"flow\": \"refresh_token\",\n";

    [Theory]
    [InlineData("clientSecret", "SF_ACME_CLIENT_SECRET")]
    [InlineData("password", "SF_ACME_PASSWORD")]
    [InlineData("securityToken", "SF_ACME_SECURITY_TOKEN")]
    [InlineData("refreshToken", "SF_ACME_REFRESH_TOKEN")]
    [InlineData("privateKey", "SF_ACME_PRIVATE_KEY")]
    public async Task Literal_in_a_secret_field_is_a_warning_at_the_value(string field, string variable)
    {
        var manifest = OneOrg(MyDomainRefresh + $"      \"{field}\": \"Tr0ub4dor&3\"");

        var found = Assert.Single(await AnalyzeManifestAsync(manifest));

        // Line 6 is the field; the value starts after six spaces, the quoted name, and ": ".
        Assert.Equal(
            new Found("SFAUTH001", DiagnosticSeverity.Warning, $"'{field}' of org 'Acme' is a hardcoded secret: use a reference such as \"env:{variable}\"", Path, 6, field.Length + 11),
            found);
    }

    [Theory]
    [InlineData("env:SF_ACME_PASSWORD")]
    [InlineData("config:Salesforce:Acme:Password")]
    [InlineData("file:/run/secrets/acme.pem")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<your-password>")]
    [InlineData("${SF_ACME_PASSWORD}")]
    [InlineData("%SF_ACME_PASSWORD%")]
    [InlineData("{{password}}")]
    [InlineData("__PASSWORD__")]
    [InlineData("SF_ACME_PASSWORD")]
    [InlineData("changeme")]
    [InlineData("xxxxxxxx")]
    [InlineData("********")]
    [InlineData("your-client-secret-here")]
    [InlineData("YourSecurityToken")]
    [InlineData("TODO")]
    [InlineData("fake password")]
    public async Task References_blanks_and_placeholders_are_not_secrets(string value)
    {
        foreach (var field in new[] { "clientSecret", "password", "securityToken", "refreshToken", "privateKey" })
        {
            var manifest = OneOrg(MyDomainRefresh + $"      \"{field}\": \"{value}\"");

            Assert.Empty(await AnalyzeManifestAsync(manifest));
        }
    }

    [Theory]
    [InlineData("hunter2")]
    [InlineData("Password123!")]
    [InlineData("correct horse battery staple 9")]
    [InlineData("s3cr3t")]
    public async Task Weak_but_real_passwords_are_secrets(string value)
    {
        var found = Assert.Single(await AnalyzeManifestAsync(OneOrg(MyDomainRefresh + $"      \"password\": \"{value}\"")));

        Assert.Equal("SFAUTH001", found.Id);
    }

    [Fact]
    public async Task Identifiers_and_non_string_values_are_not_reported()
    {
        var manifest = OneOrg(MyDomainRefresh + """
                  "clientId": "3MVG9AcmeConnectedAppConsumerKey",
                  "username": "integration@acme.example",
                  "password": 42,
                  "securityToken": null,
                  "refreshToken": { "value": "x" },
                  "privateKey": ["-----BEGIN PRIVATE KEY-----"]
            """);

        Assert.Empty(await AnalyzeManifestAsync(manifest));
    }

    [Fact]
    public async Task Every_literal_of_every_org_is_reported_where_it_is_written()
    {
        // CRLF line ends and a non-ASCII org key: positions are in characters on their own line.
        var manifest = string.Join("\r\n",
            "{",
            "  // comments and trailing commas are allowed",
            "  \"orgs\": {",
            "    \"Zürich-prod\": { \"loginUrl\": \"https://zurich.my.salesforce.com\", \"flow\": \"refresh_token\", \"clientSecret\": \"4242424242424242424\", \"refreshToken\": \"env:SF_Z\", },",
            "    \"Other\": {",
            "      \"flow\": \"jwt_bearer\",",
            "      \"privateKey\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\",",
            "      \"password\": \"P@ss\\u0077ord\",",
            "    },",
            "  },",
            "}");

        var found = await AnalyzeManifestAsync(manifest);

        Assert.Equal(
            [
                new Found("SFAUTH001", DiagnosticSeverity.Warning, "'clientSecret' of org 'Zürich-prod' is a hardcoded secret: use a reference such as \"env:SF_Z_RICH_PROD_CLIENT_SECRET\"", Path, 4, 111),
                new Found("SFAUTH001", DiagnosticSeverity.Warning, "'privateKey' of org 'Other' is a hardcoded secret: use a reference such as \"env:SF_OTHER_PRIVATE_KEY\"", Path, 7, 21),
                new Found("SFAUTH001", DiagnosticSeverity.Warning, "'password' of org 'Other' is a hardcoded secret: use a reference such as \"env:SF_OTHER_PASSWORD\"", Path, 8, 19),
            ],
            found);
    }

    [Fact]
    public async Task Password_flow_warns_of_its_retirement_at_the_flow_value()
    {
        var manifest = OneOrg("""
                  "loginUrl": "https://login.salesforce.com",
                  "flow": "password",
                  "password": "env:SF_ACME_PASSWORD"
            """);

        var found = Assert.Single(await AnalyzeManifestAsync(manifest));

        Assert.Equal(
            new Found("SFAUTH004", DiagnosticSeverity.Warning, "Org 'Acme' uses the username-password flow, which Salesforce retires on 2027-02-20: move it to jwt_bearer, client_credentials or web_server", Path, 5, 15),
            found);
    }

    [Theory]
    [InlineData("refresh_token")]
    [InlineData("jwt_bearer")]
    [InlineData("web_server")]
    [InlineData("Password")]
    public async Task Other_flows_are_not_retiring(string flow)
    {
        Assert.Empty(await AnalyzeManifestAsync(OneOrg($"      \"loginUrl\": \"https://login.salesforce.com\",\n      \"flow\": \"{flow}\"")));
    }

    [Theory]
    [InlineData("https://login.salesforce.com", "login.salesforce.com")]
    [InlineData("https://test.salesforce.com/", "test.salesforce.com")]
    [InlineData("https://LOGIN.Salesforce.com:443/services", "login.salesforce.com")]
    public async Task Client_credentials_on_a_generic_host_is_a_warning_at_the_login_url(string loginUrl, string host)
    {
        var manifest = OneOrg($"      \"flow\": \"client_credentials\",\n      \"loginUrl\": \"{loginUrl}\",\n      \"clientSecret\": \"env:SF_ACME_CLIENT_SECRET\"");

        var found = Assert.Single(await AnalyzeManifestAsync(manifest));

        Assert.Equal(
            new Found("SFAUTH005", DiagnosticSeverity.Warning, $"Org 'Acme' uses client_credentials on {host}, which Salesforce serves only on My Domain hosts: set loginUrl to https://<MyDomain>.my.salesforce.com", Path, 5, 19),
            found);
    }

    [Theory]
    [InlineData("https://acme.my.salesforce.com")]
    [InlineData("https://acme--uat.sandbox.my.salesforce.com")]
    [InlineData("http://127.0.0.1:5050")]
    [InlineData("https://login.salesforce.com.evil.example")]
    [InlineData("not a url")]
    public async Task Client_credentials_on_a_my_domain_or_loopback_host_is_fine(string loginUrl)
    {
        Assert.Empty(await AnalyzeManifestAsync(OneOrg($"      \"flow\": \"client_credentials\",\n      \"loginUrl\": \"{loginUrl}\"")));
    }

    [Fact]
    public async Task Only_files_named_sfauth_json_are_read()
    {
        var manifest = OneOrg(MyDomainRefresh + "      \"password\": \"hunter2\"");

        Assert.Empty(await AnalyzeManifestAsync(manifest, "/project/appsettings.json"));
        Assert.Equal("SFAUTH001", Assert.Single(await AnalyzeManifestAsync(manifest, "/project/config/SFAUTH.JSON")).Id);
    }

    [Theory]
    [InlineData("sfauth.json", 1)]
    [InlineData("integration-tests/SfOAuthGen.IntegrationTests/sfauth.json", 1)]
    public async Task Repository_manifests_hold_no_secret_only_the_retirement_notice(string relativePath, int passwordOrgs)
    {
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(GeneratorHarness.ProjectDirectory, "..", "..", relativePath));

        var found = await AnalyzeManifestAsync(File.ReadAllText(path), path);

        Assert.Equal(passwordOrgs, found.Length);
        Assert.All(found, f => Assert.Equal("SFAUTH004", f.Id));
    }

    [Fact]
    public async Task Generated_code_for_literal_secrets_adds_nothing_to_the_manifest_warnings()
    {
        var manifest = GeneratorHarness.ReadManifest("literal-secrets");
        var (output, generatorDiagnostics) = GeneratorHarness.RunAndCompile(manifest);
        Assert.Empty(generatorDiagnostics);
        // No source of our own: the trees are the generated HardcodedOrg.g.cs and the DI registration file.
        Assert.Equal(2, output.SyntaxTrees.Count());

        var found = await AnalyzeAsync(CreateCompilationFrom(output), [new InMemoryAdditionalText(Path, manifest)]);

        Assert.All(found, f => Assert.Equal(Path, f.Path));
        Assert.Equal(["SFAUTH004", "SFAUTH001", "SFAUTH001", "SFAUTH001", "SFAUTH001", "SFAUTH001"], found.Select(f => f.Id));
        Assert.Equal(
            ["clientSecret", "password", "securityToken", "refreshToken", "privateKey"],
            found.Where(f => f.Id == "SFAUTH001").Select(f => f.Message.Split('\'')[1]));
    }

    [Fact]
    public async Task Severity_follows_the_project_options()
    {
        var manifest = OneOrg("      \"loginUrl\": \"https://test.salesforce.com\",\n      \"flow\": \"password\",\n      \"password\": \"hunter2\"");
        var compilation = CreateCompilation();
        var options = compilation.Options.WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            ["SFAUTH001"] = ReportDiagnostic.Error,
            ["SFAUTH004"] = ReportDiagnostic.Suppress,
        });

        var found = await AnalyzeAsync(compilation.WithOptions(options), [new InMemoryAdditionalText(Path, manifest)]);

        var only = Assert.Single(found);
        Assert.Equal(("SFAUTH001", DiagnosticSeverity.Error), (only.Id, only.Severity));
    }

    private static Compilation CreateCompilationFrom(Compilation output) =>
        output.WithOptions(output.Options.WithGeneralDiagnosticOption(ReportDiagnostic.Default));
}
