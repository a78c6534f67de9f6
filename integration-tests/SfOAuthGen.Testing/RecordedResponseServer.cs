using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SfOAuthGen.Testing;

/// <summary>
/// A real HTTP/1.1 server on <c>127.0.0.1</c> that answers requests from a <see cref="Cassette"/> (or, in record mode,
/// proxies them to an upstream and records a redacted cassette). Start one per test; many may run at once. With
/// <see cref="RecordedResponseServerOptions.InMemory"/> the same server answers through <see cref="CreateHandler"/>
/// instead, without a socket.
/// </summary>
public sealed partial class RecordedResponseServer : IAsyncDisposable
{
    private readonly KestrelServer? kestrel;
    private readonly RecordedResponseServerOptions options;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<UnmatchedRequest> unmatched = new();
    private readonly Recorder? recorder;
    private readonly LimitPolicy? limits;
    private readonly Cassette cassette;
    private CompiledInteraction[]? interactions;
    private int disposed;
    private IPEndPoint? endPoint;

    private RecordedResponseServer(Cassette cassette, RecordedResponseServerOptions options, Recorder? recorder)
    {
        this.cassette = cassette;
        this.options = options;
        this.recorder = recorder;
        Authorization = options.Authorization is { } authorization ? new AuthorizationServer(authorization, options.TimeProvider) : null;
        limits = options.Limits is { } configured ? new LimitPolicy(configured, options.TimeProvider, options.Authorization?.Username) : null;
        foreach (var (name, value) in cassette.Placeholders)
        {
            Secrets[name] = value;
        }

        if (options.InMemory)
        {
            return;
        }

        var kestrelOptions = new KestrelServerOptions { AddServerHeader = false };
        kestrelOptions.Limits.MinResponseDataRate = null; // slow-body faults must not be cut off by Kestrel
        kestrelOptions.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);
        kestrel = new KestrelServer(Options.Create(kestrelOptions), transport, NullLoggerFactory.Instance);
    }

    /// <summary>
    /// The server's address, <c>http://127.0.0.1:PORT/</c>. An in-memory server has an address of its own on port 9 of
    /// the loopback range (<c>http://127.x.y.z:9/</c>, where nothing listens): only clients from <see cref="CreateHandler"/>
    /// or <see cref="CreateClient"/> reach it.
    /// </summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The address and port the server is bound to (always <c>127.0.0.1</c>).</summary>
    /// <exception cref="InvalidOperationException">The server is in memory and has no socket.</exception>
    public IPEndPoint EndPoint => endPoint ?? throw new InvalidOperationException("An in-memory server has no endpoint; send requests through CreateHandler() or CreateClient().");

    /// <summary>Whether the server answers in memory (<see cref="RecordedResponseServerOptions.InMemory"/>) rather than on a socket.</summary>
    public bool IsInMemory => kestrel is null;

    /// <summary>The built-in OAuth behaviours, when <see cref="RecordedResponseServerOptions.Authorization"/> turned them on.</summary>
    public AuthorizationServer? Authorization { get; }

    /// <summary>The token endpoint on this server, <c>BaseUri + services/oauth2/token</c>.</summary>
    public Uri TokenEndpoint => new(BaseUri, RequestPattern.TokenPath);

    /// <summary>
    /// Values of placeholders by name (<c>{{secret:NAME}}</c>). A test may supply one before sending requests; a request
    /// placeholder then matches only that value. Seeded from <see cref="Cassette.Placeholders"/>; response placeholders
    /// without a value get a generated fake, which is then held here.
    /// </summary>
    public ConcurrentDictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);
}
