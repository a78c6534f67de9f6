using System.Net;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing.Tests;

public abstract class MatchingTests : ServerModeTests
{
    private static readonly ResponseTemplate Ok = ResponseTemplate.FromJson(200, """{"ok":true}""");

    private static Interaction Repeating(RequestPattern pattern) => new Interaction(pattern, Ok).Repeating();

    [Fact]
    public async Task Form_fields_match_in_any_order()
    {
        var pattern = RequestPattern.Post().WithForm("grant_type", "password").WithForm("username", "u@example.com").WithForm("password", "pw");
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        using var client = Client(server);

        var forward = await client.PostAsync(RequestPattern.TokenPath, TestSupport.RawForm("grant_type=password&username=u%40example.com&password=pw"));
        var backward = await client.PostAsync(RequestPattern.TokenPath, TestSupport.RawForm("password=pw&username=u%40example.com&grant_type=password"));

        Assert.Equal(HttpStatusCode.OK, forward.StatusCode);
        Assert.Equal(HttpStatusCode.OK, backward.StatusCode);
        server.AssertAllMatched();
    }

    [Theory]
    [InlineData("password=p%2Bss+w%C3%B6rd%2F%25%3D")] // upper-case escapes, + for space
    [InlineData("password=p%2bss%20w%c3%b6rd/%25=")] // lower-case escapes, %20 for space, / and = raw
    public async Task Form_values_are_decoded_plus_percent_and_utf8(string body)
    {
        var pattern = RequestPattern.Post().WithForm("password", "p+ss wörd/%=");
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        using var client = Client(server);

        var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.RawForm(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_raw_plus_is_a_space_so_it_does_not_match_a_literal_plus()
    {
        var pattern = RequestPattern.Post().WithForm("password", "p+ss");
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        using var client = Client(server);

        var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.RawForm("password=p+ss"));

        Assert.Equal((HttpStatusCode)599, response.StatusCode);
    }

    [Fact]
    public async Task A_pattern_may_require_a_subset_of_the_fields()
    {
        var pattern = RequestPattern.Post().WithForm("grant_type", "refresh_token");
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        using var client = Client(server);

        var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "refresh_token"), ("refresh_token", "r"), ("format", "json")));
        var missing = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("refresh_token", "r")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((HttpStatusCode)599, missing.StatusCode);
    }

    [Fact]
    public async Task Client_credentials_in_Basic_or_in_the_body_match_the_same_pattern()
    {
        const string Secret = "s3cr+t/Value==";
        var pattern = RequestPattern.Post().WithForm("grant_type", "password").WithForm("client_id", "3MVGfake").WithForm("client_secret", "{{secret:client_secret}}");
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        server.Secrets["client_secret"] = Secret;
        using var client = Client(server);

        var inBody = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "password"), ("client_id", "3MVGfake"), ("client_secret", Secret)));
        using var basic = new HttpRequestMessage(HttpMethod.Post, RequestPattern.TokenPath) { Content = TestSupport.Form(("grant_type", "password")) };
        basic.Headers.Authorization = TestSupport.Basic("3MVGfake", Secret);
        var inHeader = await client.SendAsync(basic);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, RequestPattern.TokenPath) { Content = TestSupport.Form(("grant_type", "password")) };
        wrong.Headers.Authorization = TestSupport.Basic("3MVGfake", "not-the-secret");
        var wrongHeader = await client.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.OK, inBody.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inHeader.StatusCode);
        Assert.Equal((HttpStatusCode)599, wrongHeader.StatusCode);
    }

    [Fact]
    public async Task A_placeholder_matches_any_value_until_the_test_supplies_one()
    {
        var pattern = RequestPattern.Post().WithForm("password", "{{secret:password}}");
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        using var client = Client(server);

        var first = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("password", "anything")));
        var second = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("password", "something else")));
        server.Secrets["password"] = "the right one";
        var wrong = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("password", "anything")));
        var right = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("password", "the right one")));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((HttpStatusCode)599, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task A_header_template_matches_the_token_the_server_issued()
    {
        var cassette = new Cassette()
            .Add(RequestPattern.Post().WithForm("grant_type", "password"), ResponseTemplate.FromJson(200, """{"access_token":"{{secret:access_token}}","instance_url":"https://x.my.salesforce.com"}"""))
            .Add(Repeating(RequestPattern.Get("/services/data/v62.0/limits").WithHeader("Authorization", "Bearer {{secret:access_token}}")));
        await using var server = await StartAsync(cassette);
        using var client = Client(server);

        var token = (await TestSupport.JsonAsync(await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "password"))))).GetProperty("access_token").GetString()!;
        using var good = new HttpRequestMessage(HttpMethod.Get, "/services/data/v62.0/limits");
        good.Headers.Authorization = new("Bearer", token);
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/services/data/v62.0/limits");
        stale.Headers.Authorization = new("Bearer", token + "x");

        Assert.Matches("^00D[0-9A-Za-z]{12}![0-9A-Za-z._]{40,}$", token);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(good)).StatusCode);
        Assert.Equal((HttpStatusCode)599, (await client.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task Query_method_and_path_must_match()
    {
        var pattern = RequestPattern.Get("/services/oauth2/userinfo").WithQuery("format", "json");
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        using var client = Client(server);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/services/oauth2/userinfo?x=1&format=json")).StatusCode);
        Assert.Equal((HttpStatusCode)599, (await client.GetAsync("/services/oauth2/userinfo?format=xml")).StatusCode);
        Assert.Equal((HttpStatusCode)599, (await client.PostAsync("/services/oauth2/userinfo?format=json", null)).StatusCode);
        Assert.Equal((HttpStatusCode)599, (await client.GetAsync("/services/oauth2/other?format=json")).StatusCode);
    }
    [Fact]
    public async Task A_template_with_several_placeholders_matches_a_long_hostile_value_correctly()
    {
        // A lazy-group regex backtracked for over a minute on this (issue 13, item 10); the matcher must not backtrack.
        const string Template = "{{secret:a}}-{{secret:b}}-{{secret:c}}-{{secret:d}}-{{secret:e}}-{{secret:f}}!";
        var pattern = RequestPattern.Get("/q").WithQuery("v", Template);
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        using var client = Client(server);
        var hostile = new string('-', 400);
        var matching = new string('-', 399) + "!";

        var refused = await client.GetAsync("/q?v=" + hostile);
        var accepted = await client.GetAsync("/q?v=" + Uri.EscapeDataString(matching));

        Assert.Equal((HttpStatusCode)599, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Theory]
    [InlineData("Bearer {{secret:t}} {{secret:t}}", "Bearer abc abc", true)]
    [InlineData("Bearer {{secret:t}} {{secret:t}}", "Bearer abc abd", false)]
    [InlineData("{{secret:a}}.{{secret:b}}.sig", "x.y.z.sig", true)]
    [InlineData("{{secret:a}}{{secret:b}}!", "ab!", true)]
    [InlineData("pre{{secret:a}}post", "prepost", true)]
    [InlineData("pre{{secret:a}}post", "prepos", false)]
    [InlineData("pre{{secret:a}}post", "xprepost", false)]
    public async Task Templates_match_like_a_glob_with_repeated_names_equal(string template, string value, bool matches)
    {
        var pattern = RequestPattern.Get("/q").WithHeader("X-Value", template);
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        using var client = Client(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/q");
        request.Headers.TryAddWithoutValidation("X-Value", value);

        var response = await client.SendAsync(request);

        Assert.Equal(matches ? HttpStatusCode.OK : (HttpStatusCode)599, response.StatusCode);
    }

    [Fact]
    public async Task A_held_value_inside_a_template_must_be_sent_exactly()
    {
        var pattern = RequestPattern.Get("/q").WithHeader("X-Value", "{{secret:a}}:{{secret:b}}");
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        server.Secrets["b"] = "part";
        using var client = Client(server);

        async Task<HttpStatusCode> SendAsync(string value)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/q");
            request.Headers.TryAddWithoutValidation("X-Value", value);
            return (await client.SendAsync(request)).StatusCode;
        }

        // The first ':' is not where b starts: only a matcher that places b's held value itself accepts this.
        Assert.Equal(HttpStatusCode.OK, await SendAsync("x:y:part"));
        Assert.Equal((HttpStatusCode)599, await SendAsync("x:other"));
    }

    [Fact]
    public async Task Json_bodies_match_like_forms_a_subset_with_placeholders()
    {
        var pattern = RequestPattern.Post("/services/apexrest/login").WithJson("""{"grant":"password","credentials":{"user":"u@example.com","password":"{{secret:password}}"},"scopes":["api"]}""");
        await using var server = await StartAsync(new Cassette().Add(Repeating(pattern)));
        using var client = Client(server);

        var reordered = await client.PostAsync("/services/apexrest/login", new StringContent(
            """{"scopes":["api","web"],"extra":1,"credentials":{"password":"any \u00e9 value","user":"u@example.com"},"grant":"password"}""", System.Text.Encoding.UTF8, "application/json"));
        var wrongUser = await client.PostAsync("/services/apexrest/login", new StringContent(
            """{"grant":"password","credentials":{"user":"other@example.com","password":"S3cr3tValue!"},"scopes":["api"]}""", System.Text.Encoding.UTF8, "application/json"));
        var notJson = await client.PostAsync("/services/apexrest/login", TestSupport.Form(("grant", "password")));

        Assert.Equal(HttpStatusCode.OK, reordered.StatusCode);
        Assert.Equal((HttpStatusCode)599, wrongUser.StatusCode);
        Assert.Equal((HttpStatusCode)599, notJson.StatusCode);
        var described = await wrongUser.Content.ReadAsStringAsync();
        Assert.Contains("JSON field 'credentials.user'", described, StringComparison.Ordinal);
        TestSupport.AssertAbsent(described, "S3cr3tValue!");
    }
}

public sealed class MatchingTestsOverSockets : MatchingTests
{
    protected override bool InMemory => false;
}

public sealed class MatchingTestsInMemory : MatchingTests
{
    protected override bool InMemory => true;
}
