using System.Net;
using System.Net.Sockets;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Tool.Tests;

/// <summary>
/// What reaches <c>sfauth login</c>'s listener besides Salesforce's redirect: forged callbacks, a browser's favicon
/// request, connections that never speak. None of them may end the login; only the callback with this login's state does.
/// </summary>
public class LoginCallbackTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_forged_error_callback_a_favicon_request_and_silent_connections_do_not_end_the_login()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg());
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), Workspace.ServerOptions());
        var login = await RunningLogin.StartAsync(workspace, server);
        using var browser = Browser.Create();

        // Connections that never send a request: served side by side, they hold up nothing (in turn, 10 s each would).
        var silent = new List<TcpClient>();
        for (var i = 0; i < 4; i++)
        {
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, login.Listener.Port);
            silent.Add(client);
        }

        using var forged = await browser.GetAsync(login.At("/OauthRedirect?error=access_denied&error_description=end+it&state=forged")).WaitAsync(HangGuard);
        using var stateless = await browser.GetAsync(login.At("/OauthRedirect?error=access_denied")).WaitAsync(HangGuard);
        using var favicon = await browser.GetAsync(login.At("/favicon.ico")).WaitAsync(HangGuard);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, stateless.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, favicon.StatusCode);
        Assert.False(login.Run.IsCompleted);

        using var authorize = await browser.GetAsync(login.AuthorizeUrl).WaitAsync(HangGuard);
        using var landing = await browser.GetAsync(authorize.Headers.Location!).WaitAsync(HangGuard);
        var code = await login.Run.WaitAsync(HangGuard);

        Assert.Equal(HttpStatusCode.OK, landing.StatusCode);
        Assert.Equal(SfAuthTool.Ok, code);
        var issued = Assert.Single(server.Authorization!.Grants);
        Assert.Equal($"{workspace.Variable}={issued.RefreshTokenIssued}\n", File.ReadAllText(workspace.EnvFile));
        silent.ForEach(client => client.Dispose());
    }

    [Fact]
    public async Task A_callback_with_another_state_is_ignored_until_the_login_is_stopped_and_nothing_is_stored()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg());
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), Workspace.ServerOptions());
        using var stop = new CancellationTokenSource();
        var login = await RunningLogin.StartAsync(workspace, server, stop.Token);
        using var browser = Browser.Create();
        using var authorize = await browser.GetAsync(login.AuthorizeUrl).WaitAsync(HangGuard);
        var real = authorize.Headers.Location!.AbsoluteUri;

        using var forged = await browser.GetAsync(new Uri(real.Split("&state=")[0] + "&state=forged")).WaitAsync(HangGuard);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(login.Run.IsCompleted);
        stop.Cancel();
        var code = await login.Run.WaitAsync(HangGuard);

        Assert.Equal(SfAuthTool.Cancelled, code);
        Assert.Empty(server.Authorization!.Grants); // the forged callback's code was never exchanged
        Assert.False(File.Exists(workspace.EnvFile));
    }

    [Fact]
    public async Task Salesforces_error_on_the_callback_with_the_right_state_ends_the_login()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg());
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), Workspace.ServerOptions());
        var login = await RunningLogin.StartAsync(workspace, server);
        var state = Uri.UnescapeDataString(login.AuthorizeUrl.Query.Split('&').Single(p => p.StartsWith("state=", StringComparison.Ordinal))["state=".Length..]);
        using var browser = Browser.Create();

        using var denied = await browser.GetAsync(login.At("/OauthRedirect?error=access_denied&error_description=end-user+denied+authorization&state=" + Uri.EscapeDataString(state))).WaitAsync(HangGuard);
        var code = await login.Run.WaitAsync(HangGuard);

        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        Assert.Equal(SfAuthTool.LoginIncomplete, code);
        Assert.Contains("access_denied", login.Stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(workspace.EnvFile));
    }
}

/// <summary>A login running in the background, with its authorize URL and its listener's address once printed.</summary>
internal sealed class RunningLogin
{
    private RunningLogin(Task<int> run, Uri authorizeUrl, WatchingWriter stdout, StringWriter stderr)
    {
        Run = run;
        AuthorizeUrl = authorizeUrl;
        Stdout = stdout;
        Stderr = stderr;
        var redirect = Uri.UnescapeDataString(authorizeUrl.Query.Split('&').Single(p => p.StartsWith("redirect_uri=", StringComparison.Ordinal))["redirect_uri=".Length..]);
        Listener = new Uri(redirect);
    }

    public Task<int> Run { get; }

    public Uri AuthorizeUrl { get; }

    public Uri Listener { get; }

    public WatchingWriter Stdout { get; }

    public StringWriter Stderr { get; }

    public static async Task<RunningLogin> StartAsync(Workspace workspace, RecordedResponseServer server, CancellationToken cancellationToken = default)
    {
        var stdout = new WatchingWriter("/services/oauth2/authorize?");
        var stderr = new StringWriter();
        string[] args = ["login", "Dev", "--manifest", workspace.Manifest, "--login-url", server.BaseUri.AbsoluteUri, "--no-browser", "--redirect-uri", "http://127.0.0.1:0/OauthRedirect"];
        var run = SfAuthTool.RunAsync(args, stdout, stderr, cancellationToken);
        var url = await stdout.Line.WaitAsync(TimeSpan.FromSeconds(30));
        return new RunningLogin(run, new Uri(url), stdout, stderr);
    }

    public Uri At(string pathAndQuery) => new(Listener, pathAndQuery);
}
