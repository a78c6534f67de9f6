using System.Security.Cryptography;

namespace SfOAuthGen.Testing;

/// <summary>
/// The command line of the standalone program: serves a cassette on loopback so curl or Postman can follow a token
/// walkthrough against it, or records one from an upstream. <c>dotnet run --project integration-tests/SfOAuthGen.Testing -- --help</c>.
/// </summary>
public static class StandaloneServer
{
    /// <summary>The exit code for a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>The exit code for a cassette that cannot be loaded or saved, or a server that cannot start.</summary>
    public const int Failure = 1;

    /// <summary>The text <c>--help</c> prints.</summary>
    public const string Usage = """
        Serves a SfOAuthGen cassette on http://127.0.0.1 (loopback only), records one, or plays Salesforce's OAuth
        endpoints itself. Prints ready-to-paste curl lines when it starts.

        Usage:
          SfOAuthGen.Testing --cassette FILE [options]
          SfOAuthGen.Testing --cassette FILE --record-mode once|new_episodes|all --upstream URL [options]
          SfOAuthGen.Testing --record UPSTREAM --out FILE [--port N]
          SfOAuthGen.Testing --client-id KEY [options]             (built-in OAuth only, no cassette)

        Cassette:
          --cassette FILE             the cassette to replay (see docs/testing.md)
          --record-mode MODE          none (default), once, new_episodes or all, as VCR; SFAUTH_RECORD sets it too.
                                      Recording modes send to --upstream and write FILE on Ctrl+C (never with a secret in it)
          --upstream URL              where recording modes send requests, e.g. https://login.salesforce.com
          --record UPSTREAM           record everything from UPSTREAM ...
          --out FILE                  ... and write the redacted cassette to FILE on Ctrl+C
          --unmatched-status CODE     the status of the answer to an unmatched request (default 599)

        Built-in OAuth (answered before the cassette):
          --client-id KEY             turn on authorize (+ PKCE S256), authorization_code, refresh for issued tokens,
                                      revoke and introspect, for this consumer key
          --client-secret SECRET      the consumer secret (without it the app is public: PKCE only)
          --username USER             the user the authorize endpoint logs in (default user@example.com)
          --scope SCOPES              the scopes granted (default "api refresh_token")
          --jwt-public-key FILE       turn on the JWT bearer grant, assertions signed by this PEM public key
          --approved-user USER        a user pre-authorised for JWT bearer (repeatable; default every user)
          --session-lifetime TIME     introspection's lifetime of issued access tokens (default 2h)
          --rotate-refresh-tokens     each refresh returns a new refresh token; reusing a superseded one revokes the
                                      chain; a concurrent refresh gets "token request is already being processed"
          --serve-data-api            answer /services/data/... for issued access tokens (401 INVALID_SESSION_ID once
                                      the session ended or was revoked) instead of the cassette
          --login-form                the authorize endpoint shows an HTML login form first (for a real browser)

        Salesforce limits (off unless given):
          --logins-per-hour N         LOGIN_RATE_EXCEEDED after N logins per user in an hour (Salesforce: 3600)
          --refresh-idle-timeout TIME refresh tokens unused this long answer invalid_grant "expired access/refresh token"
          --session-timeout TIME      access tokens unused this long get 401 INVALID_SESSION_ID from the data API

        Server:
          --port N                    the port to listen on; 0 (default) lets the system choose
          --help                      show this text

        TIME is 90s, 15m, 2h, 30d or hh:mm:ss. The server prints its URL, curl lines to paste, and one line per
        request (secrets masked). Ctrl+C stops it.
        """;

    /// <summary>A fixed PKCE verifier for the printed curl lines (a test server needs no secrecy); its S256 challenge follows.</summary>
    internal const string ExampleVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW-gFWFOEjXk";

    /// <summary>The S256 challenge of <see cref="ExampleVerifier"/>.</summary>
    internal const string ExampleChallenge = "90EpwHQr_xi9uDtjYyz5mq9Z4RekugHRqg5ijpXC3FQ";

    /// <summary>The redirect URI in the printed authorize line.</summary>
    internal const string ExampleRedirect = "http://localhost:1717/callback";

    /// <summary>Runs the command line until <paramref name="cancellationToken"/> is cancelled (Ctrl+C in the program).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Where the URL, curl lines and request lines go.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <param name="started">Called with the server's address once it is listening.</param>
    /// <returns>0 on success, <see cref="UsageError"/> for bad arguments, <see cref="Failure"/> otherwise.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken, Action<Uri>? started = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!StandaloneArguments.TryParse(args, out var parsed, out var problem))
        {
            await error.WriteLineAsync($"error: {problem}\nRun with --help for usage.").ConfigureAwait(false);
            return UsageError;
        }

        if (parsed.Help)
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        // Request lines come from the server's threads: one gate keeps them from interleaving with the banner.
        var gate = new Lock();
        var (server, exitCode) = await StartAsync(parsed, ServerOptions(parsed, output, gate), error, cancellationToken).ConfigureAwait(false);
        return server is null ? exitCode : await ServeAsync(server, parsed, output, error, gate, started, cancellationToken).ConfigureAwait(false);
    }

    private static RecordedResponseServerOptions ServerOptions(StandaloneArguments parsed, TextWriter output, Lock gate) => new()
    {
        Port = parsed.Port,
        UnmatchedStatusCode = parsed.UnmatchedStatus,
        RecordMode = parsed.RecordMode,
        Upstream = parsed.Upstream,
        Limits = parsed.Limits,
        Log = line =>
        {
            lock (gate)
            {
                output.WriteLine(line);
            }
        },
    };

    /// <summary>Starts the server the arguments ask for, or writes why it cannot and returns the exit code instead.</summary>
    private static async Task<(RecordedResponseServer? Server, int ExitCode)> StartAsync(
        StandaloneArguments parsed, RecordedResponseServerOptions options, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            options.Authorization = parsed.Authorization();
            var server = parsed.Record is { } upstream
                ? await RecordedResponseServer.StartRecordingAsync(upstream, options, cancellationToken).ConfigureAwait(false)
                : parsed.Cassette is { } cassettePath
                    ? await RecordedResponseServer.StartAsync(cassettePath, options, cancellationToken).ConfigureAwait(false)
                    : await RecordedResponseServer.StartAsync(new Cassette(), options, cancellationToken).ConfigureAwait(false);
            return (server, 0);
        }
        catch (Exception e) when (e is CassetteFormatException or ArgumentException or CryptographicException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return (null, Failure);
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"error: cannot listen on 127.0.0.1:{parsed.Port}: {e.Message}").ConfigureAwait(false);
            return (null, Failure);
        }
        catch (OperationCanceledException)
        {
            return (null, 0);
        }
    }

    /// <summary>Prints the banner and curl lines, serves until cancelled, then writes the recording if one was asked for.</summary>
    private static async Task<int> ServeAsync(
        RecordedResponseServer server, StandaloneArguments parsed, TextWriter output, TextWriter error, Lock gate, Action<Uri>? started, CancellationToken cancellationToken)
    {
        try
        {
            await using (server.ConfigureAwait(false))
            {
                lock (gate)
                {
                    output.WriteLine(Banner(server, parsed));
                    output.WriteLine(CurlLines.For(server.BaseUri, parsed));
                }

                started?.Invoke(server.BaseUri);
                await WaitForStopAsync(cancellationToken).ConfigureAwait(false);
                if (parsed.Out is { } outPath)
                {
                    server.SaveRecording(outPath);
                    await output.WriteLineAsync($"Wrote {outPath}.").ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is SecretLeakException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Failure;
        }

        return 0;
    }

    private static string Banner(RecordedResponseServer server, StandaloneArguments parsed) => parsed.Record is not null
        ? $"Recording {parsed.Record} at {server.BaseUri}; Ctrl+C writes {parsed.Out}."
        : $"Serving {parsed.Cassette ?? "the built-in OAuth endpoints"} at {server.BaseUri} (token endpoint {server.TokenEndpoint}; record mode {RecordModes.Name(server.RecordMode)}). Ctrl+C stops.";

    private static async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the normal way to stop.
        }
    }
}
