using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using SfOAuthGen.Generator.Diagnostics;

namespace SfOAuthGen.Generator.Tests;

/// <summary>One test per diagnostic: id, severity, message, and the line and column (1-based, as an editor shows them) in sfauth.json.</summary>
public class DiagnosticTests
{
    [Fact]
    public void SFAUTH100_internal_error_when_the_manifest_cannot_be_read()
    {
        var result = GeneratorHarness.CreateDriver([new ThrowingAdditionalText()])
            .RunGenerators(GeneratorHarness.CreateCompilation()).GetRunResult().Results.Single();

        Assert.Null(result.Exception);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("SFAUTH100", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("The sfauth.json generator failed unexpectedly (IOException: disk on fire); please report it", diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(Location.None, diagnostic.Location);
    }

    [Fact]
    public void SFAUTH101_invalid_json_at_the_offending_character()
    {
        const string manifest = """
            {
              "orgs": {
                "Sandbox": {
                  "loginUrl": "https://test.salesforce.com"
                  "flow": "password"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH101", "sfauth.json is not valid JSON: '\"' is invalid after a value. Expected either ',', '}', or ']'", 5, 7);
    }

    [Fact]
    public void SFAUTH101_truncated_json_at_the_end()
    {
        AssertSingle("{\n  \"orgs\": {", "SFAUTH101", "sfauth.json is not valid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed", 2, 12);
    }

    [Fact]
    public void SFAUTH102_missing_required_property_at_the_org_name()
    {
        const string manifest = """
            {
              "orgs": {
                "Sandbox": {
                  "flow": "refresh_token",
                  "clientId": "env:ID",
                  "refreshToken": "env:RT"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH102", "Org 'Sandbox' is missing the required property 'loginUrl'", 3, 5);
    }

    [Fact]
    public void SFAUTH102_manifest_without_orgs()
    {
        AssertSingle("""{ "version": 1 }""", "SFAUTH102", "The manifest is missing the required property 'orgs'", 1, 1);
    }

    [Fact]
    public void SFAUTH103_unknown_property_suggests_the_closest_name()
    {
        const string manifest = """
            {
              "orgs": {
                "Sandbox": {
                  "loginUrl": "https://test.salesforce.com",
                  "flow": "refresh_token",
                  "clientId": "env:ID",
                  "refreshToken": "env:RT",
                  "sessionLifetme": "01:00:00"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH103", "'sessionLifetme' is not a property of org 'Sandbox'; did you mean 'sessionLifetime'?", 8, 7);
    }

    [Fact]
    public void SFAUTH103_unknown_property_without_a_close_name()
    {
        AssertSingle("""{ "orgs": {}, "colour": "blue" }""", "SFAUTH103", "'colour' is not a property of the manifest", 1, 15);
    }

    [Fact]
    public void SFAUTH104_wrong_value_type()
    {
        const string manifest = """
            {
              "orgs": {
                "Sandbox": {
                  "loginUrl": "https://test.salesforce.com",
                  "flow": "refresh_token",
                  "clientId": "env:ID",
                  "refreshToken": "env:RT",
                  "verifySignature": "yes"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH104", "'verifySignature' must be true or false, not a string", 8, 26);
    }

    [Fact]
    public void SFAUTH104_number_where_a_string_belongs()
    {
        AssertSingle(
            """{"orgs":{"A":{"loginUrl":"https://a.example","flow":"refresh_token","clientId":42,"refreshToken":"env:RT"}}}""",
            "SFAUTH104", "'clientId' must be a string, not a number", 1, 80);
    }

    [Fact]
    public void SFAUTH105_invalid_value()
    {
        const string manifest = """
            {
              "orgs": {
                "Sandbox": {
                  "loginUrl": "https://test.salesforce.com",
                  "flow": "refresh_token",
                  "clientId": "env:ID",
                  "refreshToken": "env:RT",
                  "sessionLifetime": "2 hours"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH105", "'sessionLifetime' has an invalid value: write a duration such as '02:00:00' (hours:minutes:seconds, or days.hours:minutes:seconds)", 8, 26);
    }

    [Fact]
    public void SFAUTH105_reference_that_names_nothing()
    {
        AssertSingle(
            """{"orgs":{"A":{"loginUrl":"https://a.example","flow":"refresh_token","clientId":"env:ID","refreshToken":"env:"}}}""",
            "SFAUTH105", "'refreshToken' has an invalid value: 'env:' names nothing: write 'env:NAME'", 1, 104);
    }

    [Fact]
    public void SFAUTH106_unknown_flow_suggests_the_closest()
    {
        const string manifest = """
            {
              "orgs": {
                "Sandbox": {
                  "loginUrl": "https://test.salesforce.com",
                  "flow": "passwrd",
                  "clientId": "env:ID"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH106", "Unknown flow 'passwrd': use password, refresh_token, jwt_bearer, client_credentials or web_server; did you mean 'password'?", 5, 15);
    }

    [Fact]
    public void SFAUTH107_flow_missing_a_field_it_needs()
    {
        const string manifest = """
            {
              "orgs": {
                "Jwt": {
                  "loginUrl": "https://login.salesforce.com",
                  "flow": "jwt_bearer",
                  "clientId": "env:ID",
                  "username": "env:USER"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH107", "Org 'Jwt' uses the jwt_bearer flow, which needs 'privateKey'", 5, 15);
    }

    [Fact]
    public void SFAUTH107_password_flow_without_a_client_secret()
    {
        // The runtime's password flow sends client_secret and fails without one: the build must say so first.
        const string manifest = """
            {
              "orgs": {
                "Sandbox": {
                  "loginUrl": "https://test.salesforce.com",
                  "flow": "password",
                  "clientId": "env:ID",
                  "username": "env:USER",
                  "password": "env:PASSWORD"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH107", "Org 'Sandbox' uses the password flow, which needs 'clientSecret'", 5, 15);
    }

    [Fact]
    public void SFAUTH108_org_name_without_letters_or_digits()
    {
        const string manifest = """
            {
              "orgs": {
                "--": { "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:RT" }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH108", "Org name '--' does not make a C# class name: use up to 100 letters, digits, '-' or '_'", 3, 5);
    }

    [Fact]
    public void SFAUTH109_second_org_with_the_same_class_name()
    {
        const string manifest = """
            {
              "orgs": {
                "dev-hub": { "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:RT" },
                "DevHub": { "loginUrl": "https://b.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:RT" }
              }
            }
            """;

        var result = AssertSingle(manifest, "SFAUTH109", "Org 'DevHub' would generate class 'DevHubOrg', which org 'dev-hub' already generates", 4, 5);
        Assert.Contains("Name = \"dev-hub\"", Assert.Single(result.OrgSources()).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SFAUTH109_class_name_taken_by_another_manifest()
    {
        const string manifest = """{"orgs":{"Sandbox":{"loginUrl":"https://a.example","flow":"refresh_token","clientId":"env:ID","refreshToken":"env:RT"}}}""";
        var result = GeneratorHarness.CreateDriver([new InMemoryAdditionalText("/b/sfauth.json", manifest), new InMemoryAdditionalText("/a/SFAuth.json", manifest)])
            .RunGenerators(GeneratorHarness.CreateCompilation()).GetRunResult().Results.Single();

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("SFAUTH109", diagnostic.Id);
        Assert.Equal("/b/sfauth.json", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(new LinePosition(0, 9), diagnostic.Location.GetLineSpan().StartLinePosition);
        Assert.Single(result.OrgSources());
    }

    [Fact]
    public void SFAUTH110_login_url_over_plain_http()
    {
        const string manifest = """
            {
              "orgs": {
                "Sandbox": {
                  "loginUrl": "http://test.salesforce.com",
                  "flow": "refresh_token",
                  "clientId": "env:ID",
                  "refreshToken": "env:RT"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH110", "loginUrl 'http://test.salesforce.com' must be an absolute https URL (http only for loopback hosts)", 4, 19);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5050", true)]
    [InlineData("http://localhost:8080/", true)]
    [InlineData("http://[::1]:9000", true)]
    [InlineData("https://contoso.my.salesforce.com", true)]
    [InlineData("test.salesforce.com", false)]
    [InlineData("/services/oauth2/token", false)]
    [InlineData("ftp://test.salesforce.com", false)]
    public void Login_url_rule(string url, bool allowed)
    {
        var result = GeneratorHarness.Run($$$"""{"orgs":{"A":{"loginUrl":"{{{url}}}","flow":"refresh_token","clientId":"env:ID","refreshToken":"env:RT"} } }""");

        Assert.Equal(allowed, result.Diagnostics.IsEmpty);
        Assert.Equal(allowed ? 1 : 0, result.OrgSources().Length);
        Assert.All(result.Diagnostics, d => Assert.Equal("SFAUTH110", d.Id));
    }

    [Fact]
    public void SFAUTH111_unsupported_manifest_version()
    {
        const string manifest = """
            {
              "version": 2,
              "orgs": {}
            }
            """;

        AssertSingle(manifest, "SFAUTH111", "Manifest version 2 is not supported: this generator reads version 1", 2, 14);
    }

    [Fact]
    public void SFAUTH112_property_written_twice()
    {
        const string manifest = """
            {
              "orgs": {
                "Sandbox": {
                  "loginUrl": "https://test.salesforce.com",
                  "flow": "refresh_token",
                  "clientId": "env:ID",
                  "refreshToken": "env:RT",
                  "flow": "password"
                }
              }
            }
            """;

        AssertSingle(manifest, "SFAUTH112", "'flow' appears more than once in org 'Sandbox'", 8, 7);
    }

    [Fact]
    public void SFAUTH113_namespace_with_a_keyword()
    {
        AssertSingle("""{ "namespace": "Contoso.class", "orgs": {} }""", "SFAUTH113", "'Contoso.class' is not a valid C# namespace", 1, 16);
    }

    [Fact]
    public void SFAUTH113_invalid_root_namespace_points_at_the_manifest_setting()
    {
        var result = GeneratorHarness.Run("""{ "orgs": {} }""", rootNamespace: "My-App");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("SFAUTH113", diagnostic.Id);
        Assert.Equal("'My-App' is not a valid C# namespace (the project's RootNamespace): set \"namespace\" in sfauth.json", diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(new LinePosition(0, 0), diagnostic.Location.GetLineSpan().StartLinePosition);
    }

    [Fact]
    public void Broken_org_generates_nothing_while_valid_orgs_in_the_same_file_still_generate()
    {
        const string manifest = """
            {
              "orgs": {
                "Good": { "loginUrl": "https://a.example", "flow": "refresh_token", "clientId": "env:ID", "refreshToken": "env:RT" },
                "Broken": { "loginUrl": "https://b.example", "flow": "password", "clientId": "env:ID" },
                "AlsoGood": { "loginUrl": "https://c.example", "flow": "client_credentials", "clientId": "env:ID", "clientSecret": "env:S" }
              }
            }
            """;

        var result = GeneratorHarness.Run(manifest);

        Assert.Equal(["AlsoGoodOrg.g.cs", "GoodOrg.g.cs"], result.OrgSources().Select(s => s.HintName).Order(StringComparer.Ordinal));
        Assert.Equal(["SFAUTH107", "SFAUTH107", "SFAUTH107"], result.Diagnostics.Select(d => d.Id));
        Assert.Equal(
            ["Org 'Broken' uses the password flow, which needs 'clientSecret'", "Org 'Broken' uses the password flow, which needs 'username'", "Org 'Broken' uses the password flow, which needs 'password'"],
            result.Diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Every_descriptor_has_its_range_severity_and_a_help_page_in_the_repository()
    {
        var descriptors = typeof(DiagnosticDescriptors).GetFields().Select(f => (DiagnosticDescriptor)f.GetValue(null)!).ToArray();
        var docs = Path.GetFullPath(Path.Combine(GeneratorHarness.ProjectDirectory, "..", "..", "docs", "diagnostics"));

        Assert.Equal(descriptors.Length, descriptors.Select(d => d.Id).Distinct().Count());
        foreach (var descriptor in descriptors)
        {
            // Generator errors are SFAUTH1xx; analyzer warnings (secrets, flows) are SFAUTH0xx.
            Assert.Matches("^SFAUTH[01][0-9]{2}$", descriptor.Id);
            Assert.Equal(descriptor.Id[6] == '1' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
            Assert.EndsWith("docs/diagnostics/" + descriptor.Id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);
            var page = Path.Combine(docs, descriptor.Id + ".md");
            Assert.True(File.Exists(page), page);
            Assert.Contains(descriptor.Id, File.ReadAllText(page), StringComparison.Ordinal);
        }
    }

    private static GeneratorRunResult AssertSingle(string manifest, string id, string message, int line, int column)
    {
        var result = GeneratorHarness.Run(manifest);
        Assert.Null(result.Exception);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.ManifestPath, span.Path);
        Assert.Equal((line, column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        return result;
    }

    private sealed class ThrowingAdditionalText : AdditionalText
    {
        public override string Path => GeneratorHarness.ManifestPath;

        public override SourceText GetText(CancellationToken cancellationToken = default) => throw new IOException("disk on fire");
    }
}
