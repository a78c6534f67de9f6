using System.Text.Json;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Tool.Tests;

/// <summary>
/// <c>sfauth login</c> with a real browser: headless Chromium opens the authorize URL of the loopback server, which shows
/// a login form; the browser submits it and follows the redirect to the tool's listener. Requires Chromium: without it
/// this test fails (CI installs Debian's <c>chromium</c> package).
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
        await using var chromium = await HeadlessChromium.StartAsync();

        await chromium.NavigateAsync(login.AuthorizeUrl).WaitAsync(HangGuard);
        Assert.Equal("Login | Salesforce", (await chromium.EvaluateAsync("document.title")).GetString());

        // A browser's own extra requests to the listener, and a forged callback from the page: none ends the login.
        var listener = JsonSerializer.Serialize(login.Listener.GetLeftPart(UriPartial.Authority));
        var extra = await chromium.EvaluateAsync(
            $"Promise.all(['/favicon.ico', '/OauthRedirect?error=access_denied&state=forged', '/OauthRedirect?error=access_denied']"
            + $".map(p => fetch({listener} + p, {{ mode: 'no-cors', cache: 'no-store' }}).then(() => 'answered', () => 'failed')))");
        Assert.All(extra.EnumerateArray(), answer => Assert.Equal("answered", answer.GetString()));
        Assert.False(login.Run.IsCompleted);

        var mark = chromium.Mark();
        await chromium.EvaluateAsync(
            "document.getElementById('username').value = 'user@example.com';"
            + "document.getElementById('password').value = 'typed-in-the-browser';"
            + "document.getElementById('Login').click(); true");
        var (_, landedAt) = await chromium.WaitForEventAsync(
            "Page.frameNavigated", mark, e => e.GetProperty("frame").GetProperty("url").GetString()!.StartsWith(login.Listener.GetLeftPart(UriPartial.Path), StringComparison.Ordinal));
        await chromium.WaitForEventAsync("Page.loadEventFired", landedAt);
        var code = await login.Run.WaitAsync(HangGuard);

        Assert.Equal(SfAuthTool.Ok, code);
        Assert.Contains("close this tab", (await chromium.EvaluateAsync("document.body.innerText")).GetString(), StringComparison.Ordinal);
        Assert.StartsWith(login.Listener.GetLeftPart(UriPartial.Path) + "?code=", (await chromium.EvaluateAsync("location.href")).GetString(), StringComparison.Ordinal);
        Assert.Equal(["user@example.com"], server.Authorization!.FormLogins);
        var issued = Assert.Single(server.Authorization.Grants);
        Assert.Equal($"{workspace.Variable}={issued.RefreshTokenIssued}\n", File.ReadAllText(workspace.EnvFile));
    }
}
