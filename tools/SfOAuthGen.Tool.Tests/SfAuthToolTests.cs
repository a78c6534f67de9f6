using System.Net;
using System.Security.Cryptography;
using SfOAuthGen.Testing;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Tool.Tests;

public class SfAuthToolTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>Runs <c>sfauth login</c> and plays the browser; returns the tool's exit code and output.</summary>
    private static async Task<(int Code, string Out, string Error, string AuthorizeUrl)> LoginAsync(
        Workspace workspace, RecordedResponseServer server, string org, Func<Uri, Uri>? tamper = null, params string[] extra)
    {
        var stdout = new WatchingWriter("/services/oauth2/authorize?");
        var stderr = new StringWriter();
        string[] args = ["login", org, "--manifest", workspace.Manifest, "--login-url", server.BaseUri.AbsoluteUri, "--no-browser", "--redirect-uri", "http://127.0.0.1:0/OauthRedirect", .. extra];
        var run = SfAuthTool.RunAsync(args, stdout, stderr, CancellationToken.None);

        var authorizeUrl = await stdout.Line.WaitAsync(HangGuard);
        using var browser = Browser.Create();
        var authorize = await browser.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        var redirect = tamper is null ? authorize.Headers.Location! : tamper(authorize.Headers.Location!);
        Assert.True(redirect.IsLoopback);
        var landing = await browser.GetAsync(redirect);
        Assert.Equal(HttpStatusCode.OK, landing.StatusCode);
        Assert.Contains("close this tab", await landing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var code = await run.WaitAsync(HangGuard);
        return (code, stdout.ToString(), stderr.ToString(), authorizeUrl);
    }

    [Fact]
    public async Task Login_stores_the_refresh_token_from_the_browser_round_trip_and_token_then_uses_it()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg());
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), Workspace.ServerOptions());

        var login = await LoginAsync(workspace, server, "Dev");

        Assert.Equal(SfAuthTool.Ok, login.Code);
        var issued = Assert.Single(server.Authorization!.Grants);
        Assert.Equal("authorization_code", issued.GrantType);
        var refreshToken = issued.RefreshTokenIssued!;
        Assert.Equal($"{workspace.Variable}={refreshToken}\n", File.ReadAllText(workspace.EnvFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(workspace.EnvFile));
        }

        Assert.Contains("S256", login.AuthorizeUrl, StringComparison.Ordinal);
        Assert.Contains($"Stored the refresh token 5Aep861…", login.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(refreshToken, login.Out + login.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.AccessToken, login.Out + login.Error, StringComparison.Ordinal);

        var token = await workspace.RunAsync("token", "Dev", "--manifest", workspace.Manifest, "--login-url", server.BaseUri.AbsoluteUri);

        Assert.Equal(SfAuthTool.Ok, token.Code);
        var refresh = server.Authorization.Grants[1];
        Assert.Equal("refresh_token", refresh.GrantType);
        Assert.Equal(refreshToken, refresh.RefreshTokenSent);
        Assert.Equal(
            $"SF_INSTANCE_URL={server.BaseUri.GetLeftPart(UriPartial.Authority)}\nSF_ACCESS_TOKEN={refresh.AccessToken}\n",
            token.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Login_can_store_into_a_user_secrets_file_and_show_the_token_when_asked()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg(refreshToken: "config:Salesforce:Dev:RefreshToken"));
        var secrets = Path.Combine(workspace.Directory, "usersecrets", "secrets.json");
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), Workspace.ServerOptions());

        var login = await LoginAsync(workspace, server, "Dev", null, "--secrets-file", secrets, "--show-secrets");

        Assert.Equal(SfAuthTool.Ok, login.Code);
        var refreshToken = server.Authorization!.Grants[0].RefreshTokenIssued!;
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(secrets));
        Assert.Equal(refreshToken, json.RootElement.GetProperty("Salesforce:Dev:RefreshToken").GetString());
        Assert.Contains(refreshToken, login.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(workspace.EnvFile));
    }

    [Fact]
    public async Task Revoke_revokes_the_stored_refresh_token_and_removes_it()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg());
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), Workspace.ServerOptions());
        Assert.Equal(SfAuthTool.Ok, (await LoginAsync(workspace, server, "Dev")).Code);
        var refreshToken = server.Authorization!.Grants[0].RefreshTokenIssued!;
        File.AppendAllText(workspace.EnvFile, "OTHER=kept\n");

        var revoke = await workspace.RunAsync("revoke", "Dev", "--manifest", workspace.Manifest, "--login-url", server.BaseUri.AbsoluteUri);

        Assert.Equal(SfAuthTool.Ok, revoke.Code);
        Assert.True(server.Authorization.IsRevoked(refreshToken));
        Assert.Equal("OTHER=kept\n", File.ReadAllText(workspace.EnvFile));
        var again = await workspace.RunAsync("revoke", "Dev", "--manifest", workspace.Manifest, "--login-url", server.BaseUri.AbsoluteUri);
        Assert.Equal(SfAuthTool.Configuration, again.Code);
        Assert.Contains("nothing to revoke", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_runs_a_jwt_bearer_org_against_the_server()
    {
        using var key = RSA.Create(2048);
        using var workspace = new Workspace();
        var keyFile = Path.Combine(workspace.Directory, "server.key");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        workspace.WriteManifest($$"""
                "Ci": {
                  "loginUrl": "https://login.salesforce.com",
                  "flow": "jwt_bearer",
                  "clientId": "{{Workspace.ClientId}}",
                  "username": "ci@example.com",
                  "privateKey": "file:{{keyFile.Replace("\\", "\\\\", StringComparison.Ordinal)}}"
                }
            """);
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), Workspace.ServerOptions(key.ExportSubjectPublicKeyInfoPem()));

        var token = await workspace.RunAsync("token", "Ci", "--manifest", workspace.Manifest, "--login-url", server.BaseUri.AbsoluteUri);

        Assert.Equal(SfAuthTool.Ok, token.Code);
        var grant = Assert.Single(server.Authorization!.Grants);
        Assert.Equal("ci@example.com", grant.Subject);
        Assert.Contains("SF_ACCESS_TOKEN=" + grant.AccessToken, token.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_reports_Salesforces_refusal_with_exit_code_1()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg());
        File.WriteAllText(workspace.EnvFile, $"{workspace.Variable}=5Aep861NeverIssuedByThisServer0000000000000000000000000000000000000000000000\n");
        await using var server = await RecordedResponseServer.StartAsync(
            new Cassette().Add(RequestPattern.Post().WithForm("grant_type", "refresh_token"), ResponseTemplate.FromJson(400, "{\"error\":\"invalid_grant\",\"error_description\":\"expired access/refresh token\"}")),
            Workspace.ServerOptions());

        var token = await workspace.RunAsync("token", "Dev", "--manifest", workspace.Manifest, "--login-url", server.BaseUri.AbsoluteUri);

        Assert.Equal(SfAuthTool.Refused, token.Code);
        Assert.Contains("expired access/refresh token", token.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("NeverIssued", token.Error + token.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, token.Out);
    }

    [Fact]
    public async Task Check_reports_each_reference_without_values()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg() + ",\n" + $$"""
                "Legacy": {
                  "loginUrl": "https://test.salesforce.com",
                  "flow": "password",
                  "clientId": "env:{{workspace.Variable}}_ID",
                  "clientSecret": "env:{{workspace.Variable}}_SECRET",
                  "username": "env:{{workspace.Variable}}_USER",
                  "password": "env:{{workspace.Variable}}_PASSWORD"
                }
            """);
        File.WriteAllText(workspace.EnvFile, $"{workspace.Variable}_ID=3MVGvisibleNowhere\n{workspace.Variable}_SECRET='Sec ret#Witness'\n");

        var check = await workspace.RunAsync("check", "--manifest", workspace.Manifest);

        Assert.Equal(SfAuthTool.Configuration, check.Code);
        Assert.Contains($"refreshToken   env:{workspace.Variable}: unresolved", check.Out, StringComparison.Ordinal);
        Assert.Contains("run 'sfauth login Dev'", check.Out, StringComparison.Ordinal);
        Assert.Contains($"clientSecret   env:{workspace.Variable}_SECRET: resolved ({workspace.EnvFile})", check.Out, StringComparison.Ordinal);
        Assert.Contains($"password       env:{workspace.Variable}_PASSWORD: unresolved", check.Out, StringComparison.Ordinal);
        Assert.Contains("2027-02-20", check.Out, StringComparison.Ordinal);
        Assert.Contains("3 problem(s).", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Witness", check.Out + check.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("visibleNowhere", check.Out + check.Error, StringComparison.Ordinal);

        File.AppendAllText(workspace.EnvFile, $"{workspace.Variable}=5Aep861x0000000000000000000000000\n");
        var one = await workspace.RunAsync("check", "Dev", "--manifest", workspace.Manifest);
        Assert.Equal(SfAuthTool.Ok, one.Code);
        Assert.Contains("OK: every reference resolves.", one.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Legacy", one.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_errors_name_the_file_line_and_field()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest("""
                "Dev": {
                  "loginUrl": "https://acme.my.salesforce.com",
                  "flow": "jwt",
                  "clientId": "x"
                }
            """);

        var bad = await workspace.RunAsync("token", "Dev", "--manifest", workspace.Manifest);
        var missing = await workspace.RunAsync("check", "--manifest", workspace.Manifest);
        File.WriteAllText(workspace.Manifest, "{\n  \"orgs\": {\n    \"Dev\": { \"loginUrl\": \n");
        var broken = await workspace.RunAsync("check", "--manifest", workspace.Manifest);

        Assert.Equal(SfAuthTool.Configuration, bad.Code);
        Assert.Contains($"{workspace.Manifest}(7): orgs.Dev.flow: 'jwt' is not a flow", bad.Error, StringComparison.Ordinal);
        Assert.Equal(SfAuthTool.Configuration, missing.Code);
        Assert.Equal(SfAuthTool.Configuration, broken.Code);
        Assert.Contains($"{workspace.Manifest}(", broken.Error, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", broken.Error, StringComparison.Ordinal);
    }

    public static TheoryData<string> FlowNames() => new(ManifestVocabulary.FlowNames());

    [Theory]
    [MemberData(nameof(FlowNames))]
    public async Task Check_reports_each_field_the_shared_vocabulary_requires_of_the_flow(string flow)
    {
        using var workspace = new Workspace();
        workspace.WriteManifest($$"""
                "Bare": { "loginUrl": "https://acme.my.salesforce.com", "flow": "{{flow}}", "clientId": "3MVGx" }
            """);

        var check = await workspace.RunAsync("check", "--manifest", workspace.Manifest);

        Assert.Equal(SfAuthTool.Configuration, check.Code);
        Assert.All(ManifestVocabulary.FindFlow(flow)!.RequiredFields, field =>
            Assert.Contains($"'{field}' is required by the {flow} flow", check.Out, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_required_fields_are_reported_per_flow()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest("""
                "Machine": {
                  "loginUrl": "https://login.salesforce.com",
                  "flow": "client_credentials",
                  "clientId": "3MVGx"
                }
            """);

        var check = await workspace.RunAsync("check", "--manifest", workspace.Manifest);

        Assert.Equal(SfAuthTool.Configuration, check.Code);
        Assert.Contains("'clientSecret' is required by the client_credentials flow", check.Out, StringComparison.Ordinal);
        Assert.Contains("client_credentials needs the org's My Domain URL", check.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SfAuthTool.Ok, "--help")]
    [InlineData(SfAuthTool.Ok, "login", "--help")]
    [InlineData(SfAuthTool.Ok, "token", "-h")]
    [InlineData(SfAuthTool.Ok, "revoke", "--help")]
    [InlineData(SfAuthTool.Ok, "check", "--help")]
    [InlineData(SfAuthTool.Usage)]
    [InlineData(SfAuthTool.Usage, "frobnicate")]
    [InlineData(SfAuthTool.Usage, "token")]
    [InlineData(SfAuthTool.Usage, "token", "Dev", "--bogus")]
    [InlineData(SfAuthTool.Usage, "token", "Dev", "--manifest")]
    [InlineData(SfAuthTool.Usage, "login", "Dev", "Other")]
    public async Task The_command_line_is_checked_and_help_is_everywhere(int expected, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await SfAuthTool.RunAsync(args, stdout, stderr, CancellationToken.None);

        Assert.Equal(expected, code);
        if (expected == SfAuthTool.Ok)
        {
            Assert.Contains("sfauth", stdout.ToString(), StringComparison.Ordinal);
            Assert.Contains("Usage", stdout.ToString(), StringComparison.Ordinal);
        }
        else if (args.Length > 0)
        {
            Assert.Contains("--help", stderr.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_org_lists_the_known_ones()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg());

        var result = await workspace.RunAsync("token", "Prod", "--manifest", workspace.Manifest);

        Assert.Equal(SfAuthTool.Usage, result.Code);
        Assert.Contains("no org 'Prod'", result.Error, StringComparison.Ordinal);
        Assert.Contains("it has: Dev", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_is_refused_for_a_flow_that_needs_no_browser()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest("""
                "Ci": { "loginUrl": "https://acme.my.salesforce.com", "flow": "client_credentials", "clientId": "x", "clientSecret": "env:NOPE" }
            """);

        var result = await workspace.RunAsync("login", "Ci", "--manifest", workspace.Manifest, "--no-browser");

        Assert.Equal(SfAuthTool.Usage, result.Code);
        Assert.Contains("needs no browser login", result.Error, StringComparison.Ordinal);
    }
}
