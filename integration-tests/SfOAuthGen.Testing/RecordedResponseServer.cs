using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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
    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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

    /// <summary>Requests no interaction answered, in arrival order, described with secrets masked.</summary>
    public IReadOnlyList<UnmatchedRequest> UnmatchedRequests => unmatched.ToArray();

    /// <summary>Interactions that have not answered any request yet.</summary>
    public IReadOnlyList<Interaction> UnusedInteractions
    {
        get
        {
            var result = new List<Interaction>();
            foreach (var interaction in interactions ?? [])
            {
                if (interaction.Served == 0)
                {
                    result.Add(interaction.Source);
                }
            }

            return result;
        }
    }

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

    /// <summary>Throws if any request went unanswered, naming the closest interaction and each differing field (secrets masked).</summary>
    /// <exception cref="CassetteMismatchException">At least one request matched no interaction.</exception>
    public void AssertAllMatched()
    {
        var list = UnmatchedRequests;
        if (list.Count > 0)
        {
            var message = new StringBuilder().Append(list.Count).Append(" request(s) matched no interaction:");
            foreach (var request in list)
            {
                message.Append('\n').Append("- ").Append(request);
            }

            throw new CassetteMismatchException(SecretRules.MaskTokens(message.ToString()), list);
        }
    }

    /// <summary>Throws if any interaction never answered a request.</summary>
    /// <exception cref="CassetteMismatchException">At least one interaction is unused.</exception>
    public void AssertAllUsed()
    {
        var unused = UnusedInteractions;
        if (unused.Count > 0)
        {
            throw new CassetteMismatchException("Interaction(s) never used: " + string.Join(", ", unused), []);
        }
    }

    /// <summary>The cassette recorded so far, every secret replaced by a placeholder.</summary>
    /// <exception cref="InvalidOperationException">The server is not in record mode.</exception>
    /// <exception cref="SecretLeakException">A secret value could still be found in the cassette in some encoding.</exception>
    public Cassette GetRecording() =>
        (recorder ?? throw new InvalidOperationException("This server replays a cassette; start it with StartRecordingAsync to record.")).BuildCassette();

    /// <summary>Writes <see cref="GetRecording"/> to <paramref name="path"/>; nothing is written if it would leak a secret.</summary>
    /// <param name="path">The cassette file.</param>
    /// <exception cref="SecretLeakException">A secret value could still be found in the cassette in some encoding.</exception>
    public void SaveRecording(string path) => GetRecording().Save(path);

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

    private async Task HandleAsync(HttpContext context)
    {
        var compiled = Volatile.Read(ref interactions);
        if (compiled is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var request = await ObservedRequest.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (limits is not null)
        {
            await AnswerWithinLimitsAsync(context, request, compiled, limits).ConfigureAwait(false);
            return;
        }

        await AnswerAsync(context, request, compiled).ConfigureAwait(false);
    }

    private async Task AnswerAsync(HttpContext context, ObservedRequest request, CompiledInteraction[] compiled)
    {
        if (recorder is not null && !replayFirst)
        {
            var status = await recorder.ProxyAsync(context, request, BaseUri, stopping.Token).ConfigureAwait(false);
            options.Log?.Invoke($"{Describe(request)} -> {status} (recorded)");
            return;
        }

        if (Authorization is not null && await Authorization.TryHandleAsync(context, request, BaseUri).ConfigureAwait(false))
        {
            options.Log?.Invoke($"{Describe(request)} -> {context.Response.StatusCode} (built-in authorization)");
            return;
        }

        CompiledInteraction? match = null;
        foreach (var candidate in compiled)
        {
            if (candidate.Matches(request, Secrets) && candidate.TryConsume())
            {
                match = candidate;
                break;
            }
        }

        if (match is null && recorder is not null)
        {
            // new_episodes: what the cassette does not answer is fetched and recorded.
            var status = await recorder.ProxyAsync(context, request, BaseUri, stopping.Token).ConfigureAwait(false);
            options.Log?.Invoke($"{Describe(request)} -> {status} (recorded, new episode)");
            return;
        }

        if (match is null)
        {
            await AnswerUnmatchedAsync(context, request, compiled).ConfigureAwait(false);
            return;
        }

        options.Log?.Invoke($"{Describe(request)} -> {match.Status} (interaction #{match.Index + 1} {match.Source})");
        await ServeAsync(context, match, request).ConfigureAwait(false);
    }

    private async Task ServeAsync(HttpContext context, CompiledInteraction match, ObservedRequest request)
    {
        var body = match.RenderBody(Secrets, request);
        var fault = match.Source.Fault;
        var response = context.Response;
        if (fault is { Kind: FaultKind.Delay or FaultKind.SlowBody })
        {
            await ServeSlowlyAsync(context, match, body, fault).ConfigureAwait(false);
            return;
        }

        WriteHead(response, match);
        switch (fault?.Kind)
        {
            case FaultKind.TruncatedBody:
                var kept = Math.Min(fault.Bytes, body.Length);
                response.ContentLength = kept;
                await response.Body.WriteAsync(body[..kept], context.RequestAborted).ConfigureAwait(false);
                break;
            case FaultKind.ResetMidBody:
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body[..Math.Min(fault.Bytes, Math.Max(0, body.Length - 1))], context.RequestAborted).ConfigureAwait(false);
                await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                context.Abort();
                break;
            default:
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
                break;
        }
    }

    private async Task ServeSlowlyAsync(HttpContext context, CompiledInteraction match, ReadOnlyMemory<byte> body, Fault fault)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
        var token = linked.Token;
        var response = context.Response;
        try
        {
            if (fault.Kind == FaultKind.Delay)
            {
                await Task.Delay(fault.Delay, options.TimeProvider, token).ConfigureAwait(false);
                WriteHead(response, match);
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, token).ConfigureAwait(false);
                return;
            }

            WriteHead(response, match);
            response.ContentLength = body.Length;
            var chunk = Math.Max(1, fault.Bytes);
            for (var offset = 0; offset < body.Length; offset += chunk)
            {
                if (offset > 0)
                {
                    await Task.Delay(fault.Delay, options.TimeProvider, token).ConfigureAwait(false);
                }

                await response.Body.WriteAsync(body.Slice(offset, Math.Min(chunk, body.Length - offset)), token).ConfigureAwait(false);
                await response.Body.FlushAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            context.Abort(); // the client left or the server is stopping: do not finish the response
        }
    }

    private void WriteHead(HttpResponse response, CompiledInteraction match)
    {
        response.StatusCode = match.Status;
        response.ContentType = match.ContentType;
        foreach (var (name, value) in match.Headers)
        {
            response.Headers[name] = match.RenderHeader(value, Secrets);
        }
    }

    private async Task AnswerUnmatchedAsync(HttpContext context, ObservedRequest request, CompiledInteraction[] compiled)
    {
        CompiledInteraction? closest = null;
        List<string>? closestDifferences = null;
        var closestDistance = int.MaxValue;
        foreach (var candidate in compiled)
        {
            var differences = candidate.Differences(request, Secrets, out var distance);
            if (distance < closestDistance)
            {
                closest = candidate;
                closestDifferences = differences;
                closestDistance = distance;
            }
        }

        var report = new UnmatchedRequest(Describe(request), closest?.Source, (closestDifferences ?? []).ConvertAll(SecretRules.MaskTokens));
        unmatched.Enqueue(report);
        options.Log?.Invoke($"{report} -> {options.UnmatchedStatusCode} (no matching interaction)");
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string> { ["error"] = "no_matching_interaction", ["error_description"] = report.ToString() },
            RelaxedJson);
        context.Response.StatusCode = options.UnmatchedStatusCode;
        context.Response.ContentType = "application/json;charset=UTF-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The request line with its form fields and authorization, secrets masked.</summary>
    private string Describe(ObservedRequest request)
    {
        var held = (IReadOnlyCollection<string>)Secrets.Values;
        var text = new StringBuilder(request.Method).Append(' ').Append(SecretRules.MaskValue("path", request.Path, held));
        if (request.Query.Count > 0)
        {
            text.Append('?').AppendJoin('&', request.Query.Select(p => p.Key + "=" + SecretRules.MaskValue(p.Key, p.Value, held)));
        }

        if (request.Form.Count > 0)
        {
            text.Append(" {").AppendJoin(", ", request.Form.Select(p => p.Key + "=" + SecretRules.MaskValue(p.Key, p.Value, held))).Append('}');
        }

        if (request.Json is { Count: > 0 } json)
        {
            text.Append(" json{").AppendJoin(", ", json.Select(p => p.Key + "=" + SecretRules.MaskValue(JsonFields.LeafName(p.Key), p.Value, held))).Append('}');
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            text.Append(" Authorization: ").Append(SecretRules.MaskHeader("Authorization", authorization, held));
        }

        // A token under a name no rule knows (a query parameter's name, say) is still caught by its shape.
        return SecretRules.MaskTokens(text.ToString());
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
