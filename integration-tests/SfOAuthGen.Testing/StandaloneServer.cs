using System.Globalization;

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
        Serves a SfOAuthGen cassette on http://127.0.0.1 (loopback only), or records one.

        Usage:
          SfOAuthGen.Testing --cassette FILE [--port N] [--unmatched-status CODE]
          SfOAuthGen.Testing --record UPSTREAM --out FILE [--port N]

        Options:
          --cassette FILE          the cassette to replay (see docs/testing.md)
          --port N                 the port to listen on; 0 (default) lets the system choose
          --unmatched-status CODE  the status of the answer to an unmatched request (default 599)
          --record UPSTREAM        proxy every request to UPSTREAM (e.g. https://login.salesforce.com) and record it
          --out FILE               where --record writes the redacted cassette when stopped
          --help                   show this text

        The server prints its URL and one line per request (secrets masked). Ctrl+C stops it; in record mode
        the cassette is then written, unless a secret could still be found in it.
        """;

    /// <summary>Runs the command line until <paramref name="cancellationToken"/> is cancelled (Ctrl+C in the program).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Where the URL and request lines go.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <param name="started">Called with the server's address once it is listening.</param>
    /// <returns>0 on success, <see cref="UsageError"/> for bad arguments, <see cref="Failure"/> otherwise.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken, Action<Uri>? started = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!TryParse(args, out var parsed, out var problem))
        {
            await error.WriteLineAsync($"error: {problem}\nRun with --help for usage.").ConfigureAwait(false);
            return UsageError;
        }

        if (parsed.Help)
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        var gate = new Lock();
        var options = new RecordedResponseServerOptions
        {
            Port = parsed.Port,
            UnmatchedStatusCode = parsed.UnmatchedStatus,
            Log = line =>
            {
                lock (gate)
                {
                    output.WriteLine(line);
                }
            },
        };

        RecordedResponseServer server;
        try
        {
            if (parsed.Record is { } upstream)
            {
                server = await RecordedResponseServer.StartRecordingAsync(upstream, options, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var cassette = Cassette.Load(parsed.Cassette!);
                server = await RecordedResponseServer.StartAsync(cassette, options, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (CassetteFormatException e)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"error: cannot listen on 127.0.0.1:{parsed.Port}: {e.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        await using (server.ConfigureAwait(false))
        {
            lock (gate)
            {
                output.WriteLine(parsed.Record is null
                    ? $"Serving {parsed.Cassette} at {server.BaseUri} (token endpoint {server.TokenEndpoint}). Ctrl+C stops."
                    : $"Recording {parsed.Record} at {server.BaseUri}; Ctrl+C writes {parsed.Out}.");
            }

            started?.Invoke(server.BaseUri);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the normal way to stop.
            }

            if (parsed.Out is { } outPath)
            {
                try
                {
                    server.SaveRecording(outPath);
                    await output.WriteLineAsync($"Wrote {outPath}.").ConfigureAwait(false);
                }
                catch (Exception e) when (e is SecretLeakException or IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                    return Failure;
                }
            }
        }

        return 0;
    }

    private sealed record Arguments(bool Help, string? Cassette, int Port, int UnmatchedStatus, Uri? Record, string? Out);

    private static bool TryParse(string[] args, out Arguments parsed, out string problem)
    {
        parsed = new Arguments(false, null, 0, 599, null, null);
        problem = string.Empty;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h" or "-?")
            {
                parsed = parsed with { Help = true };
                return true;
            }

            if (name is not ("--cassette" or "--port" or "--unmatched-status" or "--record" or "--out"))
            {
                problem = $"unknown argument '{name}'";
                return false;
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"{name} needs a value";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--cassette":
                    parsed = parsed with { Cassette = value };
                    break;
                case "--out":
                    parsed = parsed with { Out = value };
                    break;
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        problem = $"--port must be a number from 0 to 65535, not '{value}'";
                        return false;
                    }

                    parsed = parsed with { Port = port };
                    break;
                case "--unmatched-status":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 100 or > 999)
                    {
                        problem = $"--unmatched-status must be an HTTP status code (100-999), not '{value}'";
                        return false;
                    }

                    parsed = parsed with { UnmatchedStatus = status };
                    break;
                case "--record":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var upstream) || upstream.Scheme is not ("http" or "https"))
                    {
                        problem = $"--record needs an absolute http(s) URL, not '{value}'";
                        return false;
                    }

                    parsed = parsed with { Record = upstream };
                    break;
            }
        }

        if (parsed.Cassette is null == (parsed.Record is null))
        {
            problem = parsed.Cassette is null ? "give --cassette FILE (or --record UPSTREAM --out FILE)" : "--cassette and --record cannot be combined";
            return false;
        }

        if (parsed.Record is not null && parsed.Out is null)
        {
            problem = "--record needs --out FILE";
            return false;
        }

        if (parsed.Record is null && parsed.Out is not null)
        {
            problem = "--out is only for --record";
            return false;
        }

        return true;
    }
}
