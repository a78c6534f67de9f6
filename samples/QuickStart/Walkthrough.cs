using System.Net.Http.Headers;
using System.Reflection;
using SfOAuthGen.Runtime;
using SfOAuthGen.Samples;
using SfOAuthGen.Testing;

namespace SfOAuthGen.QuickStart;

/// <summary>Walks through the token flows step by step, printing what is sent and what comes back, secrets masked.</summary>
internal static class Walkthrough
{
    private const string Usage = """
        SfOAuthGen QuickStart: the Postman token walkthrough as a program.

        Usage: dotnet run --project samples/QuickStart [-- --live] [-- --help]

          (no option)  Runs the flows for the org 'Sandbox' in sfauth.json against the built-in recorded-response
                       server on 127.0.0.1, which replays Salesforce's documented responses. Needs nothing else.
          --live       Runs the same steps against the real org in sfauth.json, reading its secrets from the
                       environment variables the manifest references (SF_SANDBOX_CLIENT_ID, ...).
          --help       Shows this text.

        Exit code: 0 when every step succeeded, 1 when one failed, 2 for unknown options.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var live = false;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--live":
                    live = true;
                    break;
                case "--help" or "-h" or "-?":
                    await stdout.WriteLineAsync(Usage);
                    return 0;
                default:
                    await stderr.WriteLineAsync($"Unknown option '{arg}'. Run with --help to see the options.");
                    return 2;
            }
        }

        var console = new ConsoleStyle(stdout, stderr);
        try
        {
            return live
                ? await RunLiveAsync(console, cancellationToken)
                : await RunReplayAsync(console, cancellationToken);
        }
        catch (SalesforceAuthException ex)
        {
            console.Failure($"Salesforce refused: {ex.Message}");
            return 1;
        }
        catch (SalesforceConfigurationException ex)
        {
            console.Failure(ex.Message);
            return 1;
        }
        catch (HttpRequestException ex)
        {
            console.Failure($"The request failed: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> RunReplayAsync(ConsoleStyle console, CancellationToken cancellationToken)
    {
        await using var server = await RecordedResponseServer.StartAsync(LoadCassette(), cancellationToken: cancellationToken);
        console.Title("SfOAuthGen QuickStart — replaying Salesforce's documented responses");
        console.Line($"Recorded-response server: {server.BaseUri} (cassette quickstart.json, written from Salesforce's documented");
        console.Line("formats, not recorded from a live org). The org's secrets are demo values: nothing real leaves this machine.");

        var wire = new WireTap();
        using var http = new HttpClient(wire);
        SandboxOrg.Configure(new SalesforceTokenClientOptions
        {
            HttpClient = http,
            LoginUrl = server.BaseUri,
            SecretResolver = new DemoSecrets(),
        });

        var exit = await RunStepsAsync(console, wire, http, refreshes: 2, cancellationToken);
        server.AssertAllMatched();
        return exit;
    }

    private static async Task<int> RunLiveAsync(ConsoleStyle console, CancellationToken cancellationToken)
    {
        console.Title("SfOAuthGen QuickStart — live, against " + SandboxOrg.Settings.LoginUrl);
        var missing = MissingVariables(SandboxOrg.Settings);
        if (missing.Count > 0)
        {
            console.Failure("These environment variables named in sfauth.json are not set: " + string.Join(", ", missing) + ".");
            console.Line("Set them (the security token only if your org needs one) and run again.");
            return 1;
        }

        var wire = new WireTap();
        using var http = new HttpClient(wire);
        SandboxOrg.Configure(new SalesforceTokenClientOptions { HttpClient = http });
        return await RunStepsAsync(console, wire, http, refreshes: 1, cancellationToken);
    }

    private static async Task<int> RunStepsAsync(ConsoleStyle console, WireTap wire, HttpClient http, int refreshes, CancellationToken cancellationToken)
    {
        var settings = SandboxOrg.Settings;

        console.Step(1, "The password flow");
        var token = await SandboxOrg.GetTokenAsync(cancellationToken);
        Exchange(console, wire, settings);
        Describe(console, token);
        if (token.RefreshToken is null)
        {
            console.Note("No refresh token came back. That is what Salesforce documents for this flow (the Postman walkthrough");
            console.Note("says otherwise): SfOAuthGen renews by running the password flow again when the session ends.");
        }
        else
        {
            console.Note("A refresh token came back, as the Postman walkthrough shows. Real Salesforce orgs issue none for the");
            console.Note("password flow; SfOAuthGen uses one when present and otherwise renews by logging in again.");
        }

        for (var i = 1; i <= refreshes; i++)
        {
            var previous = token;
            var how = previous.RefreshToken is null ? "renewal by the password flow (no refresh token was issued)" : "the refresh flow";
            console.Step(2, refreshes > 1 ? $"{Capitalize(how)}, round {i} of {refreshes}" : Capitalize(how));
            token = await SandboxOrg.RefreshAsync(cancellationToken);
            Exchange(console, wire, settings);
            Describe(console, token);
            if (previous.RefreshToken is not null && token.RefreshToken is not null)
            {
                console.Note(token.RefreshToken == previous.RefreshToken
                    ? "The refresh token was not rotated: the same one stays in use."
                    : "Salesforce rotated the refresh token: the new one replaced the old before anything else could refresh,");
                if (token.RefreshToken != previous.RefreshToken)
                {
                    console.Note("and the old one is never sent again (reusing it would revoke the whole chain).");
                }
            }
        }

        console.Step(3, "A data-API call with the access token");
        var limits = new Uri(token.InstanceUrl, $"/services/data/v{settings.ApiVersion}/limits");
        using var request = new HttpRequestMessage(HttpMethod.Get, limits);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        console.Sent($"GET {limits}");
        console.Sent($"Authorization: Bearer {Mask(token.AccessToken)}");
        console.Received($"{(int)response.StatusCode} {response.ReasonPhrase}: {Shorten(body)}");
        if (!response.IsSuccessStatusCode)
        {
            console.Failure($"The data API answered {(int)response.StatusCode}.");
            return 1;
        }

        console.Success("Done: a token from the password flow, renewed, and used for an API call.");
        return 0;
    }

    private static void Exchange(ConsoleStyle console, WireTap wire, SalesforceOrgSettings settings)
    {
        if (wire.Last is not { } sent)
        {
            return;
        }

        console.Sent($"POST {sent.Uri}");
        console.Sent($"grant_type={sent.GrantType}, client authentication: {(sent.BasicAuthentication ? "HTTP Basic (client_id:client_secret)" : "client_id and client_secret in the form")}");
        console.Sent("form fields: " + string.Join(", ", sent.Fields.Select(field => field.Value is { } value ? $"{field.Name}={value}" : field.Name + "=(masked)")));
        if (sent.GrantType == "password" && settings.SecurityToken is not null)
        {
            console.Sent("password: the user's password with the security token appended (masked)");
        }

        console.Received($"{sent.Status}");
    }

    private static void Describe(ConsoleStyle console, SalesforceToken token)
    {
        console.Field("instance_url", token.InstanceUrl.ToString());
        console.Field("id", token.IdentityUrl?.ToString() ?? "(none)");
        console.Field("issued_at", token.IssuedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
        console.Field("token_type", token.TokenType);
        console.Field("access_token", Mask(token.AccessToken));
        console.Field("refresh_token", token.RefreshToken is null ? "none" : Mask(token.RefreshToken));
        console.Field("scope", token.Scope ?? "(none: the password flow sends no scope)");
        console.Field("expires at", $"{token.ExpiresAt:u}: receipt + sessionLifetime {SandboxOrg.Settings.SessionLifetime} (Salesforce sends no expires_in)");
    }

    private static List<string> MissingVariables(SalesforceOrgSettings settings)
    {
        var references = new[] { settings.ClientId, settings.ClientSecret, settings.Username, settings.Password, settings.SecurityToken };
        return references
            .Where(r => r is { Kind: SecretReferenceKind.Environment } && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(r.Name)))
            .Select(r => r!.Name)
            .ToList();
    }

    private static Cassette LoadCassette()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("quickstart.json")
            ?? throw new InvalidOperationException("The QuickStart cassette is not embedded in the program.");
        using var reader = new StreamReader(stream);
        return Cassette.Parse(reader.ReadToEnd());
    }

    /// <summary>Shows the token's kind — its first three characters (<c>00D</c>, <c>5Ae</c>) — and nothing that could be used.</summary>
    private static string Mask(string secret) => secret.Length <= 12 ? "(redacted)" : string.Concat(secret.AsSpan(0, 3), "…(redacted)");

    private static string Shorten(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= 100 ? flat : string.Concat(flat.AsSpan(0, 100), "…");
    }

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
