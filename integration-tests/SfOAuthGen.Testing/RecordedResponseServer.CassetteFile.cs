namespace SfOAuthGen.Testing;

/// <summary>Starting from a cassette file, in one of the <see cref="RecordMode"/>s, and writing it back when stopped.</summary>
public sealed partial class RecordedResponseServer
{
    private string? cassettePath;
    private bool replayFirst;

    /// <summary>What this server does with unanswered requests and its cassette file (<see cref="RecordMode.None"/> when started from a cassette object).</summary>
    public RecordMode RecordMode { get; private set; }

    /// <summary>
    /// Starts a server for the cassette file <paramref name="cassettePath"/> in the record mode of
    /// <see cref="RecordedResponseServerOptions.RecordMode"/>, else of <c>SFAUTH_RECORD</c>, else <c>none</c>.
    /// A mode that records sends requests to <see cref="RecordedResponseServerOptions.Upstream"/> and writes the file
    /// when the server is disposed (unless the leak gate refuses, which throws from <see cref="DisposeAsync"/>).
    /// </summary>
    /// <param name="cassettePath">The cassette file; a relative path that does not exist is also looked for beside the test assembly.</param>
    /// <param name="options">Record mode, upstream, in-memory or socket, port, clock and logging.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <exception cref="CassetteFormatException">The file is needed (replay) and cannot be read or is invalid.</exception>
    /// <exception cref="ArgumentException">The mode records but no upstream is set, or <c>SFAUTH_RECORD</c> names no mode.</exception>
    public static async Task<RecordedResponseServer> StartAsync(string cassettePath, RecordedResponseServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cassettePath);
        options = Validate(options);
        var mode = options.RecordMode ?? RecordModes.FromEnvironment();
        var path = Resolve(cassettePath);
        var exists = File.Exists(path);
        var records = mode switch
        {
            RecordMode.Once => !exists,
            RecordMode.NewEpisodes or RecordMode.All => true,
            _ => false,
        };
        if (records && options.Upstream is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            throw new ArgumentException(
                $"Record mode {RecordModes.Name(mode)} for {cassettePath} needs an absolute http(s) upstream (RecordedResponseServerOptions.Upstream).",
                nameof(options));
        }

        var cassette = mode switch
        {
            RecordMode.All => new Cassette(),
            RecordMode.NewEpisodes when !exists => new Cassette(),
            RecordMode.Once when !exists => new Cassette(),
            _ => Cassette.Load(path),
        };
        var server = new RecordedResponseServer(cassette, options, records ? new Recorder(options.Upstream!) : null)
        {
            RecordMode = mode,
            cassettePath = records ? path : null,
            replayFirst = mode == RecordMode.NewEpisodes,
        };
        await server.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    private static string Resolve(string path)
    {
        if (Path.IsPathRooted(path) || File.Exists(path))
        {
            return Path.GetFullPath(path);
        }

        // Test runners do not all start in the output folder, where cassettes are copied.
        var besideAssembly = Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(besideAssembly) ? besideAssembly : Path.GetFullPath(path);
    }

    private void SaveOnDispose()
    {
        if (cassettePath is null || recorder is null || (replayFirst && recorder.Count == 0))
        {
            return; // nothing recorded that the file does not already hold
        }

        var recording = recorder.BuildCassette(replayFirst ? cassette : null);
        if (Path.GetDirectoryName(cassettePath) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        recording.Save(cassettePath);
    }
}
