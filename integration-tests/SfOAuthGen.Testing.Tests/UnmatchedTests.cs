using System.Net;

namespace SfOAuthGen.Testing.Tests;

public abstract class UnmatchedTests : ServerModeTests
{
    private const string RightPassword = "CorrectHorse+Battery/Staple";
    private const string SentPassword = "Tr0ub4dor&3+x/y=";
    private const string SentSecret = "cl!ent+Secret/Value==";

    private static Cassette TwoInteractions() => new Cassette()
        .Add(new Interaction(RequestPattern.Get("/services/data/v62.0/limits"), ResponseTemplate.FromText(200, "limits")) { Name = "limits" })
        .Add(new Interaction(
            RequestPattern.Post().WithForm("grant_type", "password").WithForm("username", "user@example.com").WithForm("password", "{{secret:password}}").WithForm("client_secret", "{{secret:client_secret}}"),
            ResponseTemplate.FromJson(200, """{"access_token":"x"}""")) { Name = "password success" });

    [Fact]
    public async Task Unmatched_request_names_the_closest_interaction_and_each_differing_field_with_secrets_masked()
    {
        await using var server = await StartAsync(TwoInteractions());
        server.Secrets["password"] = RightPassword;
        using var client = Client(server);
        using var request = new HttpRequestMessage(HttpMethod.Post, RequestPattern.TokenPath)
        {
            Content = TestSupport.Form(("grant_type", "password"), ("username", "other@example.com"), ("password", SentPassword)),
        };
        request.Headers.Authorization = TestSupport.Basic("3MVGfake", SentSecret);

        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode)599, response.StatusCode);
        var unmatched = Assert.Single(server.UnmatchedRequests);
        Assert.Equal("password success", unmatched.ClosestInteraction?.Name);
        Assert.Equal(2, unmatched.Differences.Count);
        Assert.Contains(unmatched.Differences, d => d.Contains("'username'", StringComparison.Ordinal) && d.Contains("other@example.com", StringComparison.Ordinal));
        Assert.Contains(unmatched.Differences, d => d.Contains("'password'", StringComparison.Ordinal) && d.Contains("***", StringComparison.Ordinal));
        var error = Assert.Throws<CassetteMismatchException>(server.AssertAllMatched);
        Assert.Contains("password success", error.Message, StringComparison.Ordinal);
        Assert.Contains("no_matching_interaction", body, StringComparison.Ordinal);
        foreach (var text in new[] { error.Message, body, unmatched.ToString(), unmatched.Request })
        {
            TestSupport.AssertAbsent(text, RightPassword, SentPassword, SentSecret);
        }
    }

    [Fact]
    public async Task The_unmatched_status_is_configurable_and_the_log_is_masked_too()
    {
        var log = new List<string>();
        var options = new RecordedResponseServerOptions { UnmatchedStatusCode = 404, Log = line => { lock (log) { log.Add(line); } } };
        await using var server = await StartAsync(TwoInteractions(), options);
        using var client = Client(server);

        var response = await client.PostAsync("/services/oauth2/revoke", TestSupport.Form(("token", SentPassword)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var line = Assert.Single(log);
        Assert.Contains("/services/oauth2/revoke", line, StringComparison.Ordinal);
        TestSupport.AssertAbsent(line, SentPassword);
        TestSupport.AssertAbsent(server.UnmatchedRequests[0].ToString(), SentPassword);
    }

    [Fact]
    public async Task An_empty_cassette_says_so()
    {
        await using var server = await StartAsync(new Cassette());
        using var client = Client(server);

        await client.GetAsync("/anything");

        Assert.Null(server.UnmatchedRequests[0].ClosestInteraction);
        Assert.Contains("no interactions", Assert.Throws<CassetteMismatchException>(server.AssertAllMatched).Message, StringComparison.Ordinal);
    }
}

public sealed class UnmatchedTestsOverSockets : UnmatchedTests
{
    protected override bool InMemory => false;
}

public sealed class UnmatchedTestsInMemory : UnmatchedTests
{
    protected override bool InMemory => true;
}
