using Microsoft.CodeAnalysis;
using static SfOAuthGen.Generator.Tests.Analyzers.AnalyzerHarness;

namespace SfOAuthGen.Generator.Tests.Analyzers;

/// <summary>SFAUTH002: hardcoded strings reaching members the runtime marks [SalesforceSecret].</summary>
public class SecretFlowAnalyzerTests
{
    /// <summary>Statements wrapped by <see cref="AnalyzerHarness.InMethod"/> start on line 9, indented eight spaces.</summary>
    private const int FirstLine = 9;

    private const string Path = "/project/Source0.cs";

    [Theory]
    [InlineData("        var secret = new SecretValue(\"hunter2\");", 38, "new SecretValue(value)")]
    [InlineData("        var secret = new SecretValue(value: \"hunter2\");", 45, "new SecretValue(value)")]
    [InlineData("        var token = new SalesforceToken(\"Tr0ub4dor&3\", new Uri(\"https://acme.my.salesforce.com\"), DateTimeOffset.UnixEpoch);", 41, "new SalesforceToken(accessToken)")]
    [InlineData("        var settings = new SalesforceOrgSettings { Name = \"Acme\", LoginUrl = new Uri(\"https://acme.my.salesforce.com\"), Password = SecretReference.Literal(\"hunter2\") };", 132, "SalesforceOrgSettings.Password")]
    [InlineData("        var settings = new SalesforceOrgSettings { Name = \"Acme\", LoginUrl = new Uri(\"https://acme.my.salesforce.com\"), ClientSecret = SecretReference.Parse(\"4242424242424242424\") };", 136, "SalesforceOrgSettings.ClientSecret")]
    [InlineData("        var token = new SalesforceToken(config[\"t\"], new Uri(\"https://x.my.salesforce.com\"), default) { RefreshToken = \"5Aep861-not-a-shape\" };", 120, "SalesforceToken.RefreshToken")]
    [InlineData("        var secret = new SecretValue(\"hunter\" + \"2\");", 38, "new SecretValue(value)")]
    [InlineData("        var secret = new SecretValue($\"{\"hunter\"}2\");", 38, "new SecretValue(value)")]
    [InlineData("        var secret = new SecretValue(Environment.GetEnvironmentVariable(\"SF_PASSWORD\") ?? \"hunter2\");", 38, "new SecretValue(value)")]
    [InlineData("        var secret = new SecretValue(config.ContainsKey(\"p\") ? config[\"p\"] : \"hunter2\");", 38, "new SecretValue(value)")]
    [InlineData("        const string Password = \"hunter2\"; var secret = new SecretValue(Password);", 73, "new SecretValue(value)")]
    public async Task Hardcoded_value_reaching_a_secret_member_is_a_warning_at_the_value(string statement, int column, string target)
    {
        var found = Assert.Single(await AnalyzeCodeAsync(InMethod(statement)));

        Assert.Equal(
            new Found("SFAUTH002", DiagnosticSeverity.Warning, $"A hardcoded secret reaches {target}: read it from configuration, the environment or a file", Path, FirstLine, column),
            found);
    }

    [Fact]
    public async Task Constants_static_readonly_fields_and_their_concatenations_are_followed_across_files()
    {
        var constants = SourceUsings + """
            static class Credentials
            {
                public const string Prefix = "Tr0ub";
                public static readonly string Password = Prefix + "4dor&3";
                public static readonly string Composite = Password + "!" + Prefix;
                public static string Token { get; } = "gX7kq2" + "Vb9Lm";
                public static readonly string FromEnvironment = Environment.GetEnvironmentVariable("SF_PASSWORD") ?? "";
            }
            """;
        var use = SourceUsings + """
            static class Login
            {
                static readonly string Local = "hunter" + "2";

                static void Run()
                {
                    _ = new SecretValue(Credentials.Prefix);
                    _ = new SecretValue(Credentials.Token);
                    _ = new SecretValue(Local);
                    _ = new SecretValue(Local + Credentials.Prefix);
                    _ = new SecretValue(Credentials.FromEnvironment);
                }
            }
            """;

        var found = await AnalyzeCodeAsync(constants, use);

        // Every use but the environment read (line 15) is reported; the other file's initializers are read by syntax.
        Assert.Equal(
            [(11, 29), (12, 29), (13, 29), (14, 29)],
            found.Select(f => (f.Line, f.Column)));
        Assert.All(found, f => Assert.Equal(("SFAUTH002", "/project/Source1.cs"), (f.Id, f.Path)));
    }

    [Fact]
    public async Task Same_file_static_readonly_chains_are_followed_with_the_semantic_model()
    {
        var source = SourceUsings + """
            static class Login
            {
                const string Prefix = "Tr0ub";
                static readonly string Password = Prefix + "4dor&3";
                static readonly string Chained = Password;
                static readonly string Loop1 = Loop2;
                static readonly string Loop2 = Loop1;

                static void Run() { _ = new SecretValue(Chained); _ = new SecretValue(Loop1); }
            }
            """;

        var found = Assert.Single(await AnalyzeCodeAsync(source));

        Assert.Equal(("SFAUTH002", 13, 45), (found.Id, found.Line, found.Column));
    }

    [Fact]
    public async Task User_members_marked_secret_are_checked_at_calls_assignments_and_initializers()
    {
        var source = SourceUsings + """
            sealed class MyLogin
            {
                [SalesforceSecret] public string Password { get; set; } = "hunter2";
                [SalesforceSecret] public string? Pin;
                [SalesforceSecret] private readonly string _key = "Tr0ub4dor&3";
                public void Use([SalesforceSecret] string secret) { }
                public static void Run()
                {
                    var login = new MyLogin { Pin = "8472" };
                    login.Password = "s3cr3t";
                    login.Use("gX7kq2Vb9Lm");
                    login.Use(secret: login._key);
                }
            }
            """;

        var found = await AnalyzeCodeAsync(source);

        Assert.Equal(
            [
                (7, 63, "MyLogin.Password"),
                (9, 55, "MyLogin._key"),
                (13, 41, "MyLogin.Pin"),
                (14, 26, "MyLogin.Password"),
                (15, 19, "MyLogin.Use(secret)"),
            ],
            found.Select(f => (f.Line, f.Column, f.Message.Split(' ')[4].TrimEnd(':'))));
    }

    [Theory]
    [InlineData("_ = new SecretValue(Environment.GetEnvironmentVariable(\"SF_PASSWORD\")!);")]
    [InlineData("_ = new SecretValue(config[\"Salesforce:Acme:Password\"]);")]
    [InlineData("_ = new SecretValue(File.ReadAllText(\"/run/secrets/acme\"));")]
    [InlineData("_ = new SecretValue(config[\"user\"] + \"suffix\");")]
    [InlineData("_ = new SecretValue(\"\");")]
    [InlineData("_ = new SecretValue(\"<your-password>\");")]
    [InlineData("_ = new SecretValue(\"changeme\");")]
    [InlineData("_ = new SecretValue(\"SF_ACME_PASSWORD\");")]
    [InlineData("_ = new SalesforceOrgSettings { Name = \"Acme\", LoginUrl = new Uri(\"https://login.salesforce.com\"), Password = SecretReference.Parse(\"env:SF_ACME_PASSWORD\") };")]
    [InlineData("_ = new SalesforceOrgSettings { Name = \"Acme\", LoginUrl = new Uri(\"https://login.salesforce.com\"), Password = SecretReference.Environment(\"SF_ACME_PASSWORD\") };")]
    [InlineData("_ = new SalesforceOrgSettings { Name = \"Acme\", LoginUrl = new Uri(\"https://login.salesforce.com\"), ClientId = SecretReference.Literal(\"integration-client\"), Username = SecretReference.Literal(\"me@acme.example\") };")]
    [InlineData("_ = SecretReference.Literal(\"integration-client\");")]
    [InlineData("_ = new SalesforceOrgSettings { Name = \"hunter2\", LoginUrl = new Uri(\"https://login.salesforce.com\"), Scope = \"api refresh_token\" };")]
    [InlineData("var local = \"hunter2\"; Console.WriteLine(local);")]
    public async Task Values_from_elsewhere_identifiers_and_placeholders_are_not_reported(string statement)
    {
        Assert.Empty(await AnalyzeCodeAsync(InMethod("        " + statement)));
    }

    [Fact]
    public async Task Without_the_runtime_nothing_is_marked_and_nothing_runs()
    {
        var compilation = CreateCompilation("""
            [System.AttributeUsage(System.AttributeTargets.Parameter)] sealed class SalesforceSecretAttribute : System.Attribute { }
            static class C { static void Use([SalesforceSecret] string s) { } static void Run() => Use("hunter2"); }
            """).RemoveAllReferences().AddReferences(MetadataReference.CreateFromFile(typeof(object).Assembly.Location));

        Assert.Empty(await AnalyzeAsync(compilation, []));
    }

    [Fact]
    public async Task Secret_rules_can_be_made_errors()
    {
        var compilation = CreateCompilation(InMethod("        _ = new SecretValue(\"hunter2\");"));
        var options = compilation.Options.WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["SFAUTH002"] = ReportDiagnostic.Error });

        var found = Assert.Single(await AnalyzeAsync(compilation.WithOptions(options), []));

        Assert.Equal(("SFAUTH002", DiagnosticSeverity.Error), (found.Id, found.Severity));
    }
}
