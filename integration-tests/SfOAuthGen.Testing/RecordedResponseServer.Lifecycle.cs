using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SfOAuthGen.Testing;

/// <summary>Starting (from a cassette or in record mode) and stopping the server.</summary>
public sealed partial class RecordedResponseServer
{
    /// <summary>Starts a server that replays <paramref name="cassette"/>. Later changes to the cassette object are not seen.</summary>
    /// <param name="cassette">The interactions to serve.</param>
    /// <param name="options">Port, clock, unmatched status and logging; defaults if <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public static async Task<RecordedResponseServer> StartAsync(Cassette cassette, RecordedResponseServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cassette);
        var server = new RecordedResponseServer(cassette, Validate(options), recorder: null);
        await server.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>
    /// Starts a server in record mode: every request is proxied to <paramref name="upstream"/> and recorded; call
    /// <see cref="GetRecording"/> or <see cref="SaveRecording"/> to obtain the redacted cassette.
    /// </summary>
    /// <param name="upstream">The server to proxy to, e.g. <c>https://login.salesforce.com</c>.</param>
    /// <param name="options">Port, clock and logging; defaults if <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public static async Task<RecordedResponseServer> StartRecordingAsync(Uri upstream, RecordedResponseServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        if (!upstream.IsAbsoluteUri || upstream.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The upstream must be an absolute http or https URL.", nameof(upstream));
        }

        var server = new RecordedResponseServer(new Cassette(), Validate(options), new Recorder(upstream));
        await server.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>
    /// Stops the server: pending fault delays are cancelled, then connections are closed. A server started from a cassette
    /// file in a recording <see cref="RecordMode"/> then writes the file.
    /// </summary>
    /// <exception cref="SecretLeakException">The recording would leak a secret; the file was not written.</exception>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        if (kestrel is not null)
        {
            using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            {
                await kestrel.StopAsync(grace.Token).ConfigureAwait(false);
            }

            kestrel.Dispose();
        }

        recorder?.Dispose();
        stopping.Dispose();
        SaveOnDispose(); // after stopping, so the file holds every exchange; throws SecretLeakException rather than leak
    }

    private static RecordedResponseServerOptions Validate(RecordedResponseServerOptions? options)
    {
        options ??= new RecordedResponseServerOptions();
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "The port must be between 0 and 65535.");
        }

        if (options.UnmatchedStatusCode is < 100 or > 999)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.UnmatchedStatusCode, "The unmatched status code must be between 100 and 999.");
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        return options;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (kestrel is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Compile(NextInMemoryBaseUri());
            return;
        }

        try
        {
            await kestrel.StartAsync(new Application(this), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            kestrel.Dispose();
            throw;
        }

        var address = kestrel.Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new Uri(address);
        endPoint = new IPEndPoint(IPAddress.Parse(bound.Host), bound.Port);
        Compile(new Uri($"http://127.0.0.1:{bound.Port}/"));
    }

    private void Compile(Uri baseUri)
    {
        BaseUri = baseUri;
        var compiled = new CompiledInteraction[cassette.Interactions.Count];
        for (var i = 0; i < compiled.Length; i++)
        {
            compiled[i] = new CompiledInteraction(cassette.Interactions[i], i, BaseUri);
        }

        Volatile.Write(ref interactions, compiled);
    }

    /// <summary>Kestrel's entry point: one request delegate, no middleware.</summary>
    private sealed class Application(RecordedResponseServer server) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => server.HandleAsync(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
