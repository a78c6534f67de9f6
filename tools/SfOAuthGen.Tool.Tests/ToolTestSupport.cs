using System.Security.Cryptography;
using System.Text;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Tool.Tests;

/// <summary>A throw-away project folder with an sfauth.json, and a way to run the tool in-process.</summary>
internal sealed class Workspace : IDisposable
{
    public const string ClientId = "3MVG9ToolTestsConsumerKey";

    public Workspace()
    {
        Directory = Path.Combine(Path.GetTempPath(), "sfauth-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string Manifest => Path.Combine(Directory, "sfauth.json");

    public string EnvFile => Path.Combine(Directory, ".env");

    /// <summary>An environment variable name no other test (or the machine) uses.</summary>
    public string Variable { get; } = "SFAUTH_TEST_" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    public static RecordedResponseServerOptions ServerOptions(string? publicKeyPem = null) => new()
    {
        Authorization = new AuthorizationServerOptions { ClientId = ClientId, JwtPublicKeyPem = publicKeyPem },
    };

    public void WriteManifest(string orgs) =>
        File.WriteAllText(Manifest, "{\n  \"version\": 1,\n  \"namespace\": \"Tool.Tests\",\n  \"orgs\": {\n" + orgs + "\n  }\n}\n");

    public string WebServerOrg(string name = "Dev", string? refreshToken = null) => $$"""
            "{{name}}": {
              "loginUrl": "https://acme.my.salesforce.com",
              "flow": "web_server",
              "clientId": "{{ClientId}}",
              "redirectUri": "http://127.0.0.1:1717/OauthRedirect",
              "scope": "api refresh_token",
              "refreshToken": "{{refreshToken ?? "env:" + Variable}}"
            }
        """;

    public async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await SfAuthTool.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>Captures output and signals when a line containing a marker has been written.</summary>
internal sealed class WatchingWriter(string marker) : StringWriter
{
    private readonly TaskCompletionSource<string> _line = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string> Line => _line.Task;

    public override void Write(char value)
    {
        base.Write(value);
        Check();
    }

    public override void Write(string? value)
    {
        base.Write(value);
        Check();
    }

    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        Check();
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    private void Check()
    {
        foreach (var line in ToString().Split('\n'))
        {
            if (line.Contains(marker, StringComparison.Ordinal) && line.EndsWith('\r') is false && ToString().Contains(line + "\n", StringComparison.Ordinal))
            {
                _line.TrySetResult(line.Trim());
                return;
            }
        }
    }
}

internal static class Browser
{
    /// <summary>A browser that does not follow redirects, so the test sees each hop.</summary>
    public static HttpClient Create() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false });

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string S256(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
