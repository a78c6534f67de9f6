namespace SfOAuthGen.Testing;

/// <summary>
/// One test's cassette: a server of its own (so tests may run in parallel), a client for it, and on dispose the checks
/// that every request was matched and every interaction used. The whole of a replaying test:
/// <code>
/// await using var cassette = await CassetteTest.StartAsync("cassettes/password-success.json");
/// var token = await SandboxOrg.CreateClient(new() { HttpClient = cassette.Client, LoginUrl = cassette.BaseUri }).GetTokenAsync();
/// Assert.Equal("Bearer", token.TokenType);
/// </code>
/// Works with any test framework: a failed check is a <see cref="CassetteMismatchException"/> from <see cref="DisposeAsync"/>.
/// </summary>
public sealed class CassetteTest : IAsyncDisposable
{
    private int disposed;

    private CassetteTest(RecordedResponseServer server)
    {
        Server = server;
        Client = server.CreateClient();
    }

    /// <summary>The server replaying (or recording) the cassette.</summary>
    public RecordedResponseServer Server { get; }

    /// <summary>A client for <see cref="Server"/> (in memory or over loopback, as the server runs), disposed with this test.</summary>
    public HttpClient Client { get; }

    /// <summary>The login URL to give the code under test: <see cref="RecordedResponseServer.BaseUri"/>.</summary>
    public Uri BaseUri => Server.BaseUri;

    /// <summary>Whether disposing also requires every interaction to have been used (<see langword="true"/> by default).</summary>
    public bool RequireAllUsed { get; set; } = true;

    /// <summary>
    /// Starts a server for the cassette file, in the record mode of <paramref name="options"/> or <c>SFAUTH_RECORD</c>
    /// (replay only by default; see <see cref="RecordedResponseServer.StartAsync(string, RecordedResponseServerOptions?, CancellationToken)"/>).
    /// </summary>
    /// <param name="cassettePath">The cassette file, relative to the working directory or the test assembly.</param>
    /// <param name="options">In memory or socket, record mode and upstream, limits, clock; defaults if <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <exception cref="CassetteFormatException">The cassette cannot be read or is invalid.</exception>
    public static async Task<CassetteTest> StartAsync(string cassettePath, RecordedResponseServerOptions? options = null, CancellationToken cancellationToken = default) =>
        new(await RecordedResponseServer.StartAsync(cassettePath, options, cancellationToken).ConfigureAwait(false));

    /// <summary>Starts a server replaying <paramref name="cassette"/>.</summary>
    /// <param name="cassette">The interactions, e.g. built in code.</param>
    /// <param name="options">In memory or socket, limits, clock; defaults if <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public static async Task<CassetteTest> StartAsync(Cassette cassette, RecordedResponseServerOptions? options = null, CancellationToken cancellationToken = default) =>
        new(await RecordedResponseServer.StartAsync(cassette, options, cancellationToken).ConfigureAwait(false));

    /// <summary>Stops the server, then checks that every request matched and (unless <see cref="RequireAllUsed"/> is off) every interaction was used.</summary>
    /// <exception cref="CassetteMismatchException">A request matched nothing, or an interaction was never used; the message says which, secrets masked.</exception>
    /// <exception cref="SecretLeakException">A recording would leak a secret; the file was not written.</exception>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        Client.Dispose();
        await Server.DisposeAsync().ConfigureAwait(false);
        Server.AssertAllMatched();
        if (RequireAllUsed && Server.RecordMode is RecordMode.None or RecordMode.Once)
        {
            Server.AssertAllUsed();
        }
    }
}
