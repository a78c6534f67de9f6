using System.Net;
using System.Net.Sockets;
using AnyOfTypes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SfOAuthGen.Testing;
using WireMock.Matchers;
using WireMock.Models;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace SfOAuthGen.Benchmarks;

/// <summary>A token endpoint under load: ours, WireMock.Net with the equivalent mapping, or bare Kestrel returning fixed bytes.</summary>
internal interface IServerUnderTest : IAsyncDisposable
{
    Uri TokenEndpoint { get; }
}

internal static class ServerContenders
{
    public const string Ours = "sfoauthgen";
    public const string WireMock = "wiremock";
    public const string Kestrel = "kestrel";
    public static readonly string[] All = [Ours, WireMock, Kestrel];

    public static string Label(string kind) => kind switch
    {
        Ours => "SfOAuthGen RecordedResponseServer",
        WireMock => "WireMock.Net.Minimal 2.31.0",
        Kestrel => "bare Kestrel (floor)",
        _ => kind,
    };

    /// <summary>Starts a server; <paramref name="responseBody"/> is what the fixed-response contenders send (what ours renders).</summary>
    public static async Task<IServerUnderTest> StartAsync(string kind, byte[] responseBody) => kind switch
    {
        Ours => new OursServer(await RecordedResponseServer.StartAsync(TokenServer.LoadRepeatingCassette()).ConfigureAwait(false)),
        WireMock => WireMockEndpoint.Start(responseBody),
        Kestrel => await BareKestrel.StartAsync(responseBody).ConfigureAwait(false),
        _ => throw new ArgumentException($"Unknown server '{kind}'; use one of {string.Join(", ", All)}.", nameof(kind)),
    };

    private sealed class OursServer(RecordedResponseServer server) : IServerUnderTest
    {
        public Uri TokenEndpoint => server.TokenEndpoint;

        public ValueTask DisposeAsync()
        {
            server.AssertAllMatched();
            return server.DisposeAsync();
        }
    }

    /// <summary>The cassette's interaction as a WireMock mapping: POST to the token path with these form fields (any value where the cassette has a placeholder).</summary>
    private sealed class WireMockEndpoint(WireMockServer server) : IServerUnderTest
    {
        public Uri TokenEndpoint { get; } = new(server.Url + "/services/oauth2/token");

        public static WireMockEndpoint Start(byte[] responseBody)
        {
            var server = WireMockServer.Start(new WireMockServerSettings
            {
                Urls = [$"http://127.0.0.1:{FreePort()}"],
                StartAdminInterface = false,
                MaxRequestLogCount = 1000, // bounded memory over a long run; keeping fewer entries only helps WireMock
            });
            AnyOf<string, StringPattern>[] form = ["grant_type=password", "client_id=*", "client_secret=*", "username=*", "password=*"];
            server.Given(Request.Create().UsingPost().WithPath("/services/oauth2/token").WithBody(new FormUrlEncodedMatcher(form, false, MatchOperator.And)))
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json;charset=UTF-8").WithBody(responseBody));
            return new WireMockEndpoint(server);
        }

        public ValueTask DisposeAsync()
        {
            server.Stop();
            server.Dispose();
            return ValueTask.CompletedTask;
        }

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }

    /// <summary>Kestrel configured as ours is (HTTP/1.1 on 127.0.0.1, no Server header), reading the body and writing the same bytes.</summary>
    private sealed class BareKestrel : IServerUnderTest, IHttpApplication<HttpContext>
    {
        private readonly KestrelServer _kestrel;
        private readonly byte[] _body;

        private BareKestrel(KestrelServer kestrel, byte[] body)
        {
            _kestrel = kestrel;
            _body = body;
        }

        public Uri TokenEndpoint { get; private set; } = null!;

        public static async Task<BareKestrel> StartAsync(byte[] responseBody)
        {
            var options = new KestrelServerOptions { AddServerHeader = false };
            options.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);
            var kestrel = new KestrelServer(Options.Create(options), transport, NullLoggerFactory.Instance);
            var server = new BareKestrel(kestrel, responseBody);
            await kestrel.StartAsync(server, CancellationToken.None).ConfigureAwait(false);
            var address = new Uri(kestrel.Features.Get<IServerAddressesFeature>()!.Addresses.First());
            server.TokenEndpoint = new Uri($"http://127.0.0.1:{address.Port}/services/oauth2/token");
            return server;
        }

        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public async Task ProcessRequestAsync(HttpContext context)
        {
            // Read the form as any endpoint must, then answer.
            var reader = context.Request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            var response = context.Response;
            response.StatusCode = 200;
            response.ContentType = "application/json;charset=UTF-8";
            response.ContentLength = _body.Length;
            await response.Body.WriteAsync(_body, context.RequestAborted).ConfigureAwait(false);
        }

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }

        public async ValueTask DisposeAsync()
        {
            await _kestrel.StopAsync(CancellationToken.None).ConfigureAwait(false);
            _kestrel.Dispose();
        }
    }
}
