using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SfOAuthGen.Testing;

/// <summary>Requests that reach the server without a socket: an <see cref="HttpMessageHandler"/> over the same request delegate.</summary>
public sealed partial class RecordedResponseServer
{
    private static int inMemoryServers;

    /// <summary>
    /// A loopback address of its own for each in-memory server (<c>http://127.x.y.z:9/</c>), so clients that key their
    /// state on the login URL (the runtime's shared token state does) never mix two servers up. Port 9 (discard) has no
    /// listener: a client not built from <see cref="CreateHandler"/> fails at once instead of reaching another server.
    /// </summary>
    private static Uri NextInMemoryBaseUri()
    {
        var n = (Interlocked.Increment(ref inMemoryServers) % 0xFFFFFE) + 1;
        return new Uri($"http://127.{(n >> 16) & 0xFF}.{(n >> 8) & 0xFF}.{n & 0xFF}:9/");
    }

    /// <summary>
    /// A handler that delivers requests to this server in memory, whatever host they name: the same answers as over the
    /// socket, a connection reset (<see cref="FaultKind.ResetMidBody"/>) as an <see cref="HttpRequestException"/>. Works in
    /// both modes; the caller owns (and disposes) the handler.
    /// </summary>
    public HttpMessageHandler CreateHandler() => new InMemoryHandler(this);

    /// <summary>
    /// An <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is <see cref="BaseUri"/>: in memory through
    /// <see cref="CreateHandler"/>, or over a loopback socket (no proxy, no redirects, no cookies).
    /// </summary>
    public HttpClient CreateClient()
    {
        HttpMessageHandler handler = IsInMemory
            ? CreateHandler()
            : new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false };
        return new HttpClient(handler) { BaseAddress = BaseUri };
    }

    /// <summary>Turns an <see cref="HttpRequestMessage"/> into the features Kestrel would give the request delegate, and the result back.</summary>
    private sealed class InMemoryHandler(RecordedResponseServer server) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            cancellationToken.ThrowIfCancellationRequested();
            if (Volatile.Read(ref server.disposed) != 0)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "The in-memory server has been disposed (connection refused).");
            }

            var requestFeature = await RequestFeatureAsync(request, cancellationToken).ConfigureAwait(false);
            using var lifetime = new Lifetime(cancellationToken);
            var responseBody = new MemoryStream();
            var responseFeature = new HttpResponseFeature();
            var features = new FeatureCollection();
            features.Set<IHttpRequestFeature>(requestFeature);
            features.Set<IHttpResponseFeature>(responseFeature);
            features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
            features.Set<IHttpRequestLifetimeFeature>(lifetime);
            await HandleAsKestrelWouldAsync(new DefaultHttpContext(features), responseFeature, responseBody, lifetime).ConfigureAwait(false);

            cancellationToken.ThrowIfCancellationRequested();
            if (lifetime.Aborted)
            {
                // The shape SocketsHttpHandler gives a reset: an HttpRequestException around an IOException.
                throw new HttpRequestException(
                    HttpRequestError.ResponseEnded,
                    "An error occurred while sending the request.",
                    new IOException("Unable to read data from the transport connection: the in-memory server reset the connection."));
            }

            return ResponseMessage(request, responseFeature, responseBody);
        }

        /// <summary>The request line, headers and body as Kestrel would have parsed them off the wire.</summary>
        private async Task<HttpRequestFeature> RequestFeatureAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri is { IsAbsoluteUri: true } absolute ? absolute : new Uri(server.BaseUri, request.RequestUri?.ToString() ?? "/");
            var requestFeature = new HttpRequestFeature
            {
                Protocol = "HTTP/1.1",
                Method = request.Method.Method,
                Scheme = uri.Scheme,
                PathBase = string.Empty,
                Path = PathString.FromUriComponent(uri).Value ?? "/",
                QueryString = uri.Query,
                RawTarget = uri.PathAndQuery,
            };
            requestFeature.Headers.Host = uri.Authority;
            foreach (var (name, values) in request.Headers)
            {
                requestFeature.Headers[name] = values.ToArray();
            }

            if (request.Content is { } content)
            {
                foreach (var (name, values) in content.Headers)
                {
                    requestFeature.Headers[name] = values.ToArray();
                }

                requestFeature.Body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }

            return requestFeature;
        }

        /// <summary>Runs the request delegate and turns what it throws into what a socket client would see from Kestrel.</summary>
        private async Task HandleAsKestrelWouldAsync(HttpContext context, HttpResponseFeature responseFeature, MemoryStream responseBody, Lifetime lifetime)
        {
            try
            {
                await server.HandleAsync(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                // As Kestrel answers a request it refuses (413 for a body over the cap): the status, no body.
                responseFeature.StatusCode = e.StatusCode;
                responseFeature.Headers.Clear();
                responseBody.SetLength(0);
            }
            catch (OperationCanceledException) when (lifetime.RequestAborted.IsCancellationRequested)
            {
                lifetime.Abort();
            }
            catch (Exception) when (!lifetime.Aborted)
            {
                responseFeature.StatusCode = StatusCodes.Status500InternalServerError;
                responseFeature.Headers.Clear();
                responseBody.SetLength(0);
            }
        }

        private static HttpResponseMessage ResponseMessage(HttpRequestMessage request, HttpResponseFeature responseFeature, MemoryStream responseBody)
        {
            var response = new HttpResponseMessage((HttpStatusCode)responseFeature.StatusCode)
            {
                RequestMessage = request,
                Version = HttpVersion.Version11,
                Content = new ByteArrayContent(responseBody.ToArray()),
            };
            foreach (var (name, values) in responseFeature.Headers)
            {
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    continue; // the content knows its length
                }

                if (!response.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                {
                    response.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
                }
            }

            return response;
        }

        /// <summary>Aborting the request (a reset fault) or the caller's cancellation both end it, as a socket would.</summary>
        private sealed class Lifetime : IHttpRequestLifetimeFeature, IDisposable
        {
            private readonly CancellationTokenSource source;

            public Lifetime(CancellationToken caller)
            {
                source = CancellationTokenSource.CreateLinkedTokenSource(caller);
                RequestAborted = source.Token;
            }

            public CancellationToken RequestAborted { get; set; }

            public bool Aborted { get; private set; }

            public void Abort()
            {
                Aborted = true;
                source.Cancel();
            }

            public void Dispose() => source.Dispose();
        }
    }
}
