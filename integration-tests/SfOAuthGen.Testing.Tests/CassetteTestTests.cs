using System.Net;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Testing.Tests;

/// <summary><see cref="CassetteTest"/>: a replaying test in three lines, checked on dispose, safe in parallel.</summary>
public class CassetteTestTests
{
    private static SalesforceOrgSettings PasswordOrg() => new()
    {
        Name = "Sandbox",
        LoginUrl = new Uri("https://test.salesforce.com"),
        Flow = SalesforceFlow.Password,
        ClientId = SecretReference.Literal("3MVGFakeConsumerKey"),
        ClientSecret = SecretReference.Literal("fake-consumer-secret"),
        Username = SecretReference.Literal("user@example.com"),
        Password = SecretReference.Literal("fake-password"),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_replaying_test_is_three_lines(bool inMemory)
    {
        await using var cassette = await CassetteTest.StartAsync("cassettes/password-success.json", new() { InMemory = inMemory, RecordMode = RecordMode.None });
        var token = await new SalesforceTokenClient(PasswordOrg(), new() { HttpClient = cassette.Client, LoginUrl = cassette.BaseUri }).GetTokenAsync();
        Assert.Equal("00DFAKE00000001!AQFAKE.NotARealSessionId.ForTestsOnly.Access0001", token.AccessToken);
    }

    [Fact]
    public async Task In_memory_tests_of_the_same_org_each_reach_their_own_server()
    {
        // The runtime shares token state per org and login URL: each in-memory server must have a URL of its own,
        // or the second test would be served the first one's cached token and its interaction never used.
        for (var i = 0; i < 2; i++)
        {
            await using var cassette = await CassetteTest.StartAsync("cassettes/password-success.json", new() { InMemory = true, RecordMode = RecordMode.None });
            var token = await new SalesforceTokenClient(PasswordOrg(), new() { HttpClient = cassette.Client, LoginUrl = cassette.BaseUri }).GetTokenAsync();
            Assert.StartsWith("00DFAKE", token.AccessToken, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dispose_fails_the_test_when_a_request_matched_nothing()
    {
        var cassette = await CassetteTest.StartAsync(new Cassette().Add(RequestPattern.Get("/a"), ResponseTemplate.FromText(200, "a")));
        Assert.Equal("a", await cassette.Client.GetStringAsync("/a"));
        Assert.Equal((HttpStatusCode)599, (await cassette.Client.GetAsync("/b")).StatusCode);

        var error = await Assert.ThrowsAsync<CassetteMismatchException>(() => cassette.DisposeAsync().AsTask());

        Assert.Contains("GET /b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_fails_the_test_when_an_interaction_was_never_used_unless_that_is_allowed()
    {
        var cassette = new Cassette().Add(RequestPattern.Get("/a"), ResponseTemplate.FromText(200, "a")).Add(RequestPattern.Get("/never"), ResponseTemplate.FromText(200, "n"));
        var strict = await CassetteTest.StartAsync(cassette, new() { InMemory = true });
        await strict.Client.GetStringAsync("/a");
        var error = await Assert.ThrowsAsync<CassetteMismatchException>(() => strict.DisposeAsync().AsTask());
        Assert.Contains("GET /never", error.Message, StringComparison.Ordinal);

        await using var lenient = await CassetteTest.StartAsync(cassette, new() { InMemory = true });
        lenient.RequireAllUsed = false;
        await lenient.Client.GetStringAsync("/a");
    }

    [Fact]
    public async Task Tests_in_parallel_each_get_their_own_server_and_sequence()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            // The same cassette everywhere: a sequence that one shared server would hand out only once.
            await using var cassette = await CassetteTest.StartAsync(
                new Cassette().Add(RequestPattern.Get("/seq"), ResponseTemplate.FromText(200, "first")), new() { InMemory = i % 2 == 0 });
            return await cassette.Client.GetStringAsync("/seq");
        }));

        Assert.All(answers, answer => Assert.Equal("first", answer));
    }
}
