using System.Net;
using System.Text.Json;

namespace SfOAuthGen.Testing.Tests;

public abstract class FaultTests : ServerModeTests
{
    private const string TokenJson = """{"access_token":"00DFAKE00000001!AQFAKE.NotARealSessionId.ForTestsOnly.Access0001","instance_url":"https://x.my.salesforce.com","token_type":"Bearer"}""";

    private static Cassette WithFault(Fault fault, int times = 1) =>
        new Cassette().Add(new Interaction(RequestPattern.Post(), ResponseTemplate.FromJson(200, TokenJson)) { Fault = fault, Times = times });

    [Fact]
    public async Task Maintenance_fault_answers_503_with_an_html_page()
    {
        await using var server = await StartAsync(WithFault(Fault.Maintenance()));
        using var client = Client(server);

        var response = await client.PostAsync(RequestPattern.TokenPath, null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Maintenance", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Maintenance_cassette_file_answers_503_with_an_html_page()
    {
        await using var server = await StartAsync(Cassette.Load(Path.Combine(TestSupport.CassetteDirectory, "maintenance-503.json")));
        using var client = Client(server);

        var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "password")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_json_is_a_complete_response_that_does_not_parse()
    {
        await using var server = await StartAsync(WithFault(Fault.Truncate(30)));
        using var client = Client(server);

        var response = await client.PostAsync(RequestPattern.TokenPath, null);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(30, body.Length);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
    }

    [Fact]
    public async Task Reset_mid_body_surfaces_as_an_http_request_exception()
    {
        await using var server = await StartAsync(WithFault(Fault.ResetAfter(20)));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(RequestPattern.TokenPath, null));

        Assert.IsAssignableFrom<IOException>(error.InnerException); // as a socket reports a connection reset
    }

    [Fact]
    public async Task Invalid_session_fault_answers_like_the_data_api()
    {
        var cassette = new Cassette().Add(new Interaction(RequestPattern.Get("/services/data/v62.0/sobjects"), ResponseTemplate.FromJson(200, "{}")) { Fault = Fault.InvalidSession() });
        await using var server = await StartAsync(cassette);
        using var client = Client(server);

        var response = await client.GetAsync("/services/data/v62.0/sobjects");
        var json = await TestSupport.JsonAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("INVALID_SESSION_ID", json[0].GetProperty("errorCode").GetString());
        Assert.Equal("Session expired or invalid", json[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Delay_holds_the_headers_until_the_clock_has_moved_that_far()
    {
        var clock = new SignallingTimeProvider();
        var delay = TimeSpan.FromSeconds(30);
        await using var server = await StartAsync(WithFault(Fault.DelayHeaders(delay)), new() { TimeProvider = clock });
        using var client = Client(server);

        var pending = client.PostAsync(RequestPattern.TokenPath, null);
        Assert.True(await clock.TimerCreated.WaitAsync(TestSupport.HangGuard));
        clock.Advance(delay - TimeSpan.FromMilliseconds(1));
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var response = await pending.WaitAsync(TestSupport.HangGuard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Delay_is_cancelled_by_the_client_and_the_server_still_stops()
    {
        var clock = new SignallingTimeProvider();
        var server = await StartAsync(WithFault(Fault.DelayHeaders(TimeSpan.FromHours(1))), new() { TimeProvider = clock });
        using var client = Client(server);
        using var cancel = new CancellationTokenSource();

        var pending = client.PostAsync(RequestPattern.TokenPath, null, cancel.Token);
        Assert.True(await clock.TimerCreated.WaitAsync(TestSupport.HangGuard));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await server.DisposeAsync().AsTask().WaitAsync(TestSupport.HangGuard);
    }

    [Fact]
    public async Task Disposing_the_server_cancels_a_pending_delay()
    {
        var clock = new SignallingTimeProvider();
        var server = await StartAsync(WithFault(Fault.DelayHeaders(TimeSpan.FromHours(1))), new() { TimeProvider = clock });
        using var client = Client(server);

        var pending = client.PostAsync(RequestPattern.TokenPath, null);
        Assert.True(await clock.TimerCreated.WaitAsync(TestSupport.HangGuard));
        await server.DisposeAsync().AsTask().WaitAsync(TestSupport.HangGuard);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => pending.WaitAsync(TestSupport.HangGuard));
    }

    [Fact]
    public async Task Slow_body_arrives_in_chunks_one_interval_apart()
    {
        var clock = new SignallingTimeProvider();
        var interval = TimeSpan.FromSeconds(1);
        var cassette = new Cassette().Add(new Interaction(RequestPattern.Get("/slow"), ResponseTemplate.FromText(200, "0123456789abcdef")) { Fault = Fault.SlowBody(4, interval) });
        await using var server = await StartAsync(cassette, new() { TimeProvider = clock });
        using var client = Client(server);

        var pending = client.GetStringAsync("/slow");
        for (var pause = 0; pause < 3; pause++)
        {
            Assert.True(await clock.TimerCreated.WaitAsync(TestSupport.HangGuard));
            Assert.False(pending.IsCompleted);
            clock.Advance(interval);
        }

        Assert.Equal("0123456789abcdef", await pending.WaitAsync(TestSupport.HangGuard));
        Assert.Equal(0, clock.TimerCreated.CurrentCount);
    }
}

public sealed class FaultTestsOverSockets : FaultTests
{
    protected override bool InMemory => false;
}

public sealed class FaultTestsInMemory : FaultTests
{
    protected override bool InMemory => true;
}
