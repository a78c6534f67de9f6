using System.Net;

namespace SfOAuthGen.Testing.Tests;

/// <summary>What only the in-memory mode has (the shared cassette tests run in both modes, see <see cref="ServerModeTests"/>).</summary>
public class InMemoryTests
{
    [Fact]
    public async Task An_in_memory_server_has_no_socket_and_answers_only_through_its_handler()
    {
        await using var server = await RecordedResponseServer.StartAsync(
            TestSupport.Single(RequestPattern.Get("/who"), ResponseTemplate.FromText(200, "in memory")), new() { InMemory = true });
        using var client = server.CreateClient();

        Assert.True(server.IsInMemory);
        await using var other = await RecordedResponseServer.StartAsync(new Cassette(), new() { InMemory = true });
        Assert.True(server.BaseUri.IsLoopback);
        Assert.Equal(9, server.BaseUri.Port); // the discard port: nothing listens there
        Assert.NotEqual(server.BaseUri, other.BaseUri); // clients keyed on the login URL never mix two servers up
        Assert.Throws<InvalidOperationException>(() => server.EndPoint);
        Assert.Equal("in memory", await client.GetStringAsync("/who"));
        server.AssertAllUsed();
    }

    [Fact]
    public async Task The_body_cap_holds_in_memory_for_bodies_of_unknown_length()
    {
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), new() { InMemory = true });
        using var client = server.CreateClient();
        using var content = new StreamContent(new TestSupport.UnknownLengthStream(new byte[(1 << 20) + 1]));

        var response = await client.PostAsync("/upload", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_disposed_in_memory_server_refuses_like_a_closed_port()
    {
        var server = await RecordedResponseServer.StartAsync(new Cassette(), new() { InMemory = true });
        using var client = server.CreateClient();
        await server.DisposeAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/x"));
    }

    [Fact]
    public async Task A_socket_server_also_answers_in_memory_through_its_handler()
    {
        await using var server = await RecordedResponseServer.StartAsync(
            new Cassette().Add(new Interaction(RequestPattern.Get("/who"), ResponseTemplate.FromText(200, "same")).Repeating()));
        using var memory = new HttpClient(server.CreateHandler()) { BaseAddress = server.BaseUri };
        using var socket = server.CreateClient();

        Assert.Equal("same", await memory.GetStringAsync("/who"));
        Assert.Equal("same", await socket.GetStringAsync("/who"));
    }
}
