using SfOAuthGen.Testing;

namespace SfOAuthGen.Tool.Tests;

/// <summary>
/// <c>sfauth login</c> with a browser: headless Chromium opens the authorize URL of the loopback server, which shows a
/// login form; the browser submits it and follows the redirect to the tool's listener. Under CI Chromium is required
/// (.ci/run installs Debian's <c>chromium</c>): without it the test fails. On a developer's machine without Chromium, a
/// scripted HTTP browser does the same steps, so <c>dotnet test</c> works with only the SDK.
/// </summary>
public class BrowserLoginTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Chromium_submits_the_login_form_and_lands_on_the_listener_despite_its_extra_requests()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg());
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), new RecordedResponseServerOptions
        {
            Authorization = new AuthorizationServerOptions { ClientId = Workspace.ClientId, ServesLoginForm = true },
        });
        var login = await RunningLogin.StartAsync(workspace, server);
        await using var browser = await ILoginBrowser.StartAsync();

        await browser.OpenAsync(login.AuthorizeUrl);
        Assert.Equal("Login | Salesforce", await browser.TitleAsync());

        // A browser's own extra requests to the listener, and a forged callback from the page: none ends the login.
        var listener = new Uri(login.Listener.GetLeftPart(UriPartial.Authority));
        var extra = await browser.FetchAsync(new[] { "/favicon.ico", "/OauthRedirect?error=access_denied&state=forged", "/OauthRedirect?error=access_denied" }
            .Select(path => new Uri(listener, path)));
        Assert.All(extra, answer => Assert.Equal("answered", answer));
        Assert.False(login.Run.IsCompleted);

        await browser.SubmitLoginAsync("user@example.com", "typed-in-the-browser", new Uri(login.Listener.GetLeftPart(UriPartial.Path)));
        var code = await login.Run.WaitAsync(HangGuard);

        Assert.Equal(SfAuthTool.Ok, code);
        Assert.Contains("close this tab", await browser.BodyTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith(login.Listener.GetLeftPart(UriPartial.Path) + "?code=", await browser.UrlAsync(), StringComparison.Ordinal);
        Assert.Equal(["user@example.com"], server.Authorization!.FormLogins);
        var issued = Assert.Single(server.Authorization.Grants);
        Assert.Equal($"{workspace.Variable}={issued.RefreshTokenIssued}\n", File.ReadAllText(workspace.EnvFile));
    }
}
