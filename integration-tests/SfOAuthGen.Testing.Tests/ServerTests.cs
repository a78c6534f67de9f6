using System.Net;
using System.Net.Sockets;

namespace SfOAuthGen.Testing.Tests;

public class ServerTests
{
    [Fact]
    public async Task Binds_only_to_ipv4_loopback()
    {
        await using var server = await RecordedResponseServer.StartAsync(new Cassette());

        Assert.Equal(IPAddress.Loopback, server.EndPoint.Address);
        Assert.Equal("127.0.0.1", server.BaseUri.Host);
        Assert.NotEqual(0, server.EndPoint.Port);

        // Nothing answers on the IPv6 loopback at that port (where the machine has IPv6 at all).
        if (Socket.OSSupportsIPv6)
        {
            using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            await Assert.ThrowsAnyAsync<SocketException>(() => v6.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, server.EndPoint.Port)));
        }
    }

    [Fact]
    public async Task Many_servers_run_side_by_side_each_with_its_own_cassette()
    {
        const int Count = 8;
        var servers = await Task.WhenAll(Enumerable.Range(0, Count).Select(i =>
            RecordedResponseServer.StartAsync(new Cassette().Add(RequestPattern.Get("/who"), ResponseTemplate.FromText(200, "server " + i)))));
        try
        {
            var answers = await Task.WhenAll(servers.Select(async s =>
            {
                using var client = TestSupport.Client(s);
                return await client.GetStringAsync("/who");
            }));

            Assert.Equal(Enumerable.Range(0, Count).Select(i => "server " + i), answers);
            Assert.Equal(Count, servers.Select(s => s.EndPoint.Port).Distinct().Count());
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Keeps_the_connection_alive_between_requests()
    {
        await using var server = await RecordedResponseServer.StartAsync(new Cassette().Add(new Interaction(RequestPattern.Get("/x"), ResponseTemplate.FromText(200, "x")).Repeating()));
        var connections = 0;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, token) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = server.BaseUri };

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("x", await client.GetStringAsync("/x"));
        }

        Assert.Equal(1, connections);
    }

    [Fact]
    public async Task Disposing_twice_is_harmless_and_bad_options_are_refused()
    {
        var server = await RecordedResponseServer.StartAsync(new Cassette());
        await server.DisposeAsync();
        await server.DisposeAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RecordedResponseServer.StartAsync(new Cassette(), new() { Port = 70000 }));
        await Assert.ThrowsAsync<ArgumentException>(() => RecordedResponseServer.StartRecordingAsync(new Uri("ftp://127.0.0.1/")));
    }
    [Theory]
    [InlineData((1 << 20) + 1, 413)]
    [InlineData(1 << 20, 599)]
    public async Task The_request_body_cap_holds_for_chunked_bodies(int size, int expected)
    {
        await using var server = await RecordedResponseServer.StartAsync(new Cassette());
        using var client = TestSupport.Client(server);
        using var content = new StreamContent(new TestSupport.UnknownLengthStream(new byte[size])); // no length: sent chunked
        content.Headers.ContentType = new("application/octet-stream");

        var response = await client.PostAsync("/upload", content);

        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(expected, (int)response.StatusCode);
    }
}
