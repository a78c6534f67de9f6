using System.Globalization;
using System.Net;

namespace SfOAuthGen.Testing.Tests;

public abstract class SequenceTests : ServerModeTests
{
    private static Cassette Numbered(int count, RequestPattern pattern)
    {
        var cassette = new Cassette();
        for (var i = 0; i < count; i++)
        {
            cassette.Add(new Interaction(pattern, ResponseTemplate.FromText(200, i.ToString(CultureInfo.InvariantCulture))) { Name = "answer " + i });
        }

        return cassette;
    }

    [Fact]
    public async Task Identical_requests_are_answered_in_recorded_order_then_no_more()
    {
        await using var server = await StartAsync(Numbered(3, RequestPattern.Post().WithForm("grant_type", "refresh_token")));
        using var client = Client(server);
        var answers = new List<string>();

        for (var i = 0; i < 3; i++)
        {
            answers.Add(await (await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "refresh_token")))).Content.ReadAsStringAsync());
        }

        var fourth = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "refresh_token")));
        Assert.Equal(["0", "1", "2"], answers);
        Assert.Equal((HttpStatusCode)599, fourth.StatusCode);
        Assert.Contains("already used", Assert.Single(server.UnmatchedRequests).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_200_concurrent_requests_each_recorded_response_is_served_exactly_once()
    {
        const int Count = 200;
        await using var server = await StartAsync(Numbered(Count, RequestPattern.Post().WithForm("grant_type", "refresh_token")));
        using var client = Client(server);
        using var start = new ManualResetEventSlim(false);

        var requests = Enumerable.Range(0, Count + 20).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "refresh_token")));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(requests);

        var served = results.Where(r => r.StatusCode == HttpStatusCode.OK).Select(r => int.Parse(r.Body, CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, Count), served);
        Assert.Equal(20, results.Count(r => r.StatusCode == (HttpStatusCode)599));
        Assert.Empty(server.UnusedInteractions);
    }

    [Fact]
    public async Task Repeat_true_answers_every_time_and_a_count_answers_that_many_times()
    {
        var pattern = RequestPattern.Get("/x");
        var cassette = new Cassette()
            .Add(new Interaction(pattern, ResponseTemplate.FromText(200, "first")) { Times = 3 })
            .Add(new Interaction(pattern, ResponseTemplate.FromText(200, "forever")).Repeating());
        await using var server = await StartAsync(Cassette.Parse(cassette.ToJson()));
        using var client = Client(server);

        var answers = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await client.GetStringAsync("/x"));
        }

        Assert.Equal(Enumerable.Repeat("first", 3).Concat(Enumerable.Repeat("forever", 7)), answers);
        server.AssertAllMatched();
    }

    [Fact]
    public async Task Unused_interactions_are_reported()
    {
        await using var server = await StartAsync(Numbered(3, RequestPattern.Get("/x")));
        using var client = Client(server);

        await client.GetStringAsync("/x");

        Assert.Equal(["answer 1", "answer 2"], server.UnusedInteractions.Select(i => i.Name));
        var error = Assert.Throws<CassetteMismatchException>(server.AssertAllUsed);
        Assert.Contains("'answer 2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_cassette_accepts_only_the_latest_refresh_token()
    {
        var cassette = Cassette.Load(Path.Combine(TestSupport.CassetteDirectory, "refresh-rotation.json"));
        await using var server = await StartAsync(cassette);
        using var client = Client(server);
        var refreshToken = "5Aep861TheUsersOwnRefreshToken";
        var issued = new List<string>();

        for (var i = 0; i < 3; i++)
        {
            var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "3MVGfake"), ("client_secret", "cs")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            refreshToken = (await TestSupport.JsonAsync(response)).GetProperty("refresh_token").GetString()!;
            issued.Add(refreshToken);
        }

        var reuse = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "refresh_token"), ("refresh_token", issued[1]), ("client_id", "3MVGfake"), ("client_secret", "cs")));
        Assert.Equal(3, issued.Distinct().Count());
        Assert.Equal((HttpStatusCode)599, reuse.StatusCode);
        Assert.Empty(server.UnusedInteractions);
    }
}

public sealed class SequenceTestsOverSockets : SequenceTests
{
    protected override bool InMemory => false;
}

public sealed class SequenceTestsInMemory : SequenceTests
{
    protected override bool InMemory => true;
}
