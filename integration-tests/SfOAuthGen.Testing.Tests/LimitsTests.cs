using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace SfOAuthGen.Testing.Tests;

/// <summary>Salesforce's login rate limit, refresh-token idle expiry and session timeout, stepped through with a fake clock.</summary>
public abstract class LimitsTests : ServerModeTests
{
    private const string DataPath = "/services/data/v62.0/limits";

    /// <summary>A password login issuing a fresh access and refresh token each time, a refresh, and a data call.</summary>
    private static Cassette Org()
    {
        var cassette = new Cassette();
        cassette.Add(new Interaction(RequestPattern.Post().WithForm("grant_type", "password"), ResponseTemplate.FromJson(200,
            """{"access_token":"{{secret:access_token}}","refresh_token":"{{secret:refresh_token}}","instance_url":"https://x.my.salesforce.com","token_type":"Bearer"}""")).Repeating());
        cassette.Add(new Interaction(RequestPattern.Post().WithForm("grant_type", "refresh_token"), ResponseTemplate.FromJson(200,
            """{"access_token":"{{secret:access_token}}","instance_url":"https://x.my.salesforce.com","token_type":"Bearer"}""")).Repeating());
        cassette.Add(new Interaction(RequestPattern.Get(DataPath), ResponseTemplate.FromJson(200, """{"DailyApiRequests":{"Max":15000}}""")).Repeating());
        return cassette;
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string user) =>
        client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "password"), ("username", user), ("password", "pw"), ("client_id", "3MVGlimits")));

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken) =>
        client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "3MVGlimits")));

    private static async Task<HttpResponseMessage> DataAsync(HttpClient client, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, DataPath);
        request.Headers.Authorization = new("Bearer", accessToken);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Logins_beyond_the_hourly_limit_per_user_get_LOGIN_RATE_EXCEEDED()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(Org(), new() { TimeProvider = clock, Limits = new() { LoginsPerHour = 2 } });
        using var client = Client(server);

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "a@example.com")).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "a@example.com")).StatusCode);
        var refused = await LoginAsync(client, "a@example.com");
        var json = await TestSupport.JsonAsync(refused);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("LOGIN_RATE_EXCEEDED", json.GetProperty("error_description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "b@example.com")).StatusCode); // per user

        clock.Advance(TimeSpan.FromMinutes(30)); // the first login is now an hour old
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "a@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await LoginAsync(client, "a@example.com")).StatusCode);
    }

    [Fact]
    public async Task A_refresh_token_expires_after_going_unused_for_the_idle_timeout()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(Org(), new() { TimeProvider = clock, Limits = new() { RefreshTokenIdleTimeout = TimeSpan.FromHours(2) } });
        using var client = Client(server);
        var refreshToken = (await TestSupport.JsonAsync(await LoginAsync(client, "a@example.com"))).GetProperty("refresh_token").GetString()!;

        clock.Advance(TimeSpan.FromHours(1.5));
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(client, refreshToken)).StatusCode);
        clock.Advance(TimeSpan.FromHours(1.5)); // three hours after issue, but only 1.5 idle: sliding
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(client, refreshToken)).StatusCode);
        clock.Advance(TimeSpan.FromHours(2));
        var expired = await RefreshAsync(client, refreshToken);

        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        var json = await TestSupport.JsonAsync(expired);
        Assert.Equal("invalid_grant", json.GetProperty("error").GetString());
        Assert.Equal("expired access/refresh token", json.GetProperty("error_description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(client, "5Aep861NotIssuedHereSoTheCassetteDecides")).StatusCode);
    }

    [Fact]
    public async Task The_data_api_answers_INVALID_SESSION_ID_after_the_session_timeout()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(Org(), new() { TimeProvider = clock, Limits = new() { SessionTimeout = TimeSpan.FromMinutes(15) } });
        using var client = Client(server);
        var accessToken = (await TestSupport.JsonAsync(await LoginAsync(client, "a@example.com"))).GetProperty("access_token").GetString()!;

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await DataAsync(client, accessToken)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(10)); // 20 minutes after login, 10 idle
        Assert.Equal(HttpStatusCode.OK, (await DataAsync(client, accessToken)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(15));
        var expired = await DataAsync(client, accessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("INVALID_SESSION_ID", (await TestSupport.JsonAsync(expired))[0].GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await DataAsync(client, accessToken)).StatusCode); // it stays expired
        var renewed = (await TestSupport.JsonAsync(await LoginAsync(client, "a@example.com"))).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await DataAsync(client, renewed)).StatusCode);
    }

    [Fact]
    public async Task Without_limits_nothing_expires_or_is_refused()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(Org(), new() { TimeProvider = clock });
        using var client = Client(server);
        var json = await TestSupport.JsonAsync(await LoginAsync(client, "a@example.com"));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, "a@example.com")).StatusCode);
        }

        clock.Advance(TimeSpan.FromDays(60));
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(client, json.GetProperty("refresh_token").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DataAsync(client, json.GetProperty("access_token").GetString()!)).StatusCode);
    }

    [Fact]
    public async Task Limits_apply_to_jwt_logins_and_sessions_the_built_in_authorization_issued()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = AuthorizationServerTests.Options();
        options.TimeProvider = clock;
        options.Limits = new() { LoginsPerHour = 1, SessionTimeout = TimeSpan.FromMinutes(5) };
        await using var server = await StartAsync(Org(), options);
        using var client = Client(server);
        Task<HttpResponseMessage> JwtLoginAsync(string subject) => client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", AuthorizationServerTests.Jwt(new { iss = AuthorizationServerTests.ClientId, sub = subject, aud = "https://login.salesforce.com", exp = clock.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds() }))));

        var first = await JwtLoginAsync("jwt@example.com");
        var accessToken = (await TestSupport.JsonAsync(first)).GetProperty("access_token").GetString()!;
        var second = await JwtLoginAsync("jwt@example.com");
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("LOGIN_RATE_EXCEEDED", (await TestSupport.JsonAsync(second)).GetProperty("error_description").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await DataAsync(client, accessToken)).StatusCode);
    }
}

public sealed class LimitsTestsOverSockets : LimitsTests
{
    protected override bool InMemory => false;
}

public sealed class LimitsTestsInMemory : LimitsTests
{
    protected override bool InMemory => true;
}
