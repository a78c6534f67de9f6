using System.Net;
using System.Text;

namespace SfOAuthGen.Testing.Tests;

/// <summary>
/// Tokens under names no rule knows (XML and form-encoded bodies, <c>sessionId</c>/<c>sid</c>, <c>?oauth_token=</c>,
/// <c>frontdoor.jsp?sid=</c>, session headers and cookies) are still found by their shape: in recordings, the leak
/// gate, the request log, the unmatched answer and <see cref="RecordedResponseServer.AssertAllMatched"/>.
/// </summary>
public class TokenShapeTests
{
    // Shaped like Salesforce's (00D + 12-character org id + '!' + payload; 5Aep…), fake.
    private const string SoapSession = "00D5g0000012345!AQ4AQSoapLoginSessionFake.abcdefghijklmnopqrstuvwxyz012";
    private const string FormAccess = "00D5g0000012345!AQ4AQFormEncodedAccessFake.abcdefghijklmnopqrstuvwxyz01";
    private const string FormRefresh = "5Aep861FormEncodedRefreshTokenFake.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH==";
    private const string JsonSession = "00D5g0000012345!AQ4AQJsonSessionIdFakeValue.abcdefghijklmnopqrstuvwxyz0";
    private const string JsonSid = "00D5g0000012345!AQ4AQJsonSidFakeValueNumber.abcdefghijklmnopqrstuvwxyz0";
    private const string Unnamed = "00D5g0000012345!AQ4AQTokenUnderNoKnownName.abcdefghijklmnopqrstuvwxyz0";
    private const string QueryToken = "00D5g0000012345!AQ4AQOauthTokenQueryParameter.abcdefghijklmnopqrstuvwxyz";
    private const string FrontdoorSid = "00D5g0000012345!AQ4AQFrontdoorSidQueryValue.abcdefghijklmnopqrstuvwxyz0";
    private const string HeaderSession = "00D5g0000012345!AQ4AQSfdcSessionHeaderValue.abcdefghijklmnopqrstuvwxyz0";
    private const string CookieSession = "00D5g0000012345!AQ4AQSetCookieSidValueFake.abcdefghijklmnopqrstuvwxyz01";

    private static readonly string[] AllTokens = [SoapSession, FormAccess, FormRefresh, JsonSession, JsonSid, Unnamed, QueryToken, FrontdoorSid, HeaderSession, CookieSession];

    /// <summary>An upstream that speaks every format in which Salesforce hands out a session.</summary>
    private static Cassette Upstream(string? echo = null) => new Cassette()
        .Add(RequestPattern.Post("/services/Soap/u/62.0"), ResponseTemplate.FromText(200,
            $"<?xml version=\"1.0\"?><soapenv:Envelope><soapenv:Body><loginResponse><result><sessionId>{SoapSession}</sessionId></result></loginResponse></soapenv:Body></soapenv:Envelope>",
            "text/xml;charset=UTF-8"))
        .Add(RequestPattern.Post(), ResponseTemplate.FromText(200,
            $"access_token={Uri.EscapeDataString(FormAccess)}&refresh_token={Uri.EscapeDataString(FormRefresh)}&token_type=Bearer",
            "application/x-www-form-urlencoded"))
        .Add(RequestPattern.Get("/services/apexrest/session"), ResponseTemplate.FromJson(200,
            $$"""{"sessionId":"{{JsonSession}}","result":{"sid":"{{JsonSid}}"},"note":"use {{Unnamed}} next","echo":"{{echo}}"}"""))
        .Add(RequestPattern.Get("/services/data/v62.0/limits"), ResponseTemplate.FromJson(200, """{"ok":true}"""))
        .Add(RequestPattern.Get("/secur/frontdoor.jsp"), ResponseTemplate.FromText(200, "<html>welcome</html>", "text/html")
            .WithHeader("Set-Cookie", $"sid={CookieSession}; Path=/; Secure; HttpOnly"));

    private static async Task WalkAsync(HttpClient client)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/services/Soap/u/62.0", new StringContent("<login/>", Encoding.UTF8, "text/xml"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "password"), ("format", "urlencoded")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/services/apexrest/session")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/services/data/v62.0/limits?oauth_token=" + Uri.EscapeDataString(QueryToken))).StatusCode);
        using var frontdoor = new HttpRequestMessage(HttpMethod.Get, "/secur/frontdoor.jsp?sid=" + FrontdoorSid);
        frontdoor.Headers.Add("X-SFDC-Session", HeaderSession);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(frontdoor)).StatusCode);
    }

    [Fact]
    public async Task Recording_redacts_tokens_by_shape_in_every_format_and_the_log_never_shows_them()
    {
        await using var upstream = await RecordedResponseServer.StartAsync(Upstream());
        var log = new List<string>();
        await using var recorder = await RecordedResponseServer.StartRecordingAsync(upstream.BaseUri, new() { Log = line => { lock (log) { log.Add(line); } } });
        using (var client = TestSupport.Client(recorder))
        {
            await WalkAsync(client);
        }

        upstream.AssertAllMatched();
        var text = recorder.GetRecording().ToJson();

        TestSupport.AssertAbsent(text, AllTokens);
        TestSupport.AssertAbsent(string.Join("\n", log), AllTokens);
        Assert.Equal(5, log.Count);
        Assert.Contains("{{secret:", text, StringComparison.Ordinal); // redacted, not dropped
        Assert.Contains("sid={{secret:", text, StringComparison.Ordinal); // the Set-Cookie header is recorded, its value a placeholder
    }

    [Fact]
    public async Task The_leak_gate_refuses_a_token_it_saw_only_by_its_shape()
    {
        // The XML session id is under no known name; the upstream later echoes it Base64-encoded.
        await using var upstream = await RecordedResponseServer.StartAsync(Upstream(echo: Convert.ToBase64String(Encoding.UTF8.GetBytes(SoapSession))));
        await using var recorder = await RecordedResponseServer.StartRecordingAsync(upstream.BaseUri);
        using (var client = TestSupport.Client(recorder))
        {
            await WalkAsync(client);
        }

        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        var error = Assert.Throws<SecretLeakException>(() => recorder.SaveRecording(path));

        Assert.False(File.Exists(path));
        Assert.Contains("Base64", error.Message, StringComparison.Ordinal);
        TestSupport.AssertAbsent(error.Message, AllTokens);
    }

    [Fact]
    public async Task Unmatched_answer_log_and_assertion_never_show_a_token()
    {
        var cassette = TestSupport.Single(
            RequestPattern.Get("/secur/frontdoor.jsp").WithQuery("retURL", "/home").WithHeader("X-Trace", "expected"),
            ResponseTemplate.FromText(200, "ok"));
        var log = new List<string>();
        await using var server = await RecordedResponseServer.StartAsync(cassette, new() { Log = line => { lock (log) { log.Add(line); } } });
        using var client = TestSupport.Client(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/secur/frontdoor.jsp?sid={FrontdoorSid}&retURL={Uri.EscapeDataString(Unnamed)}&oauth_token={QueryToken}");
        request.Headers.Add("X-Trace", JsonSid);
        request.Headers.Add("X-SFDC-Session", HeaderSession);

        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var error = Assert.Throws<CassetteMismatchException>(server.AssertAllMatched);

        Assert.Equal((HttpStatusCode)599, response.StatusCode);
        Assert.Contains("retURL", body, StringComparison.Ordinal); // the differences are still described
        TestSupport.AssertAbsent(body, AllTokens);
        TestSupport.AssertAbsent(string.Join("\n", log), AllTokens);
        TestSupport.AssertAbsent(error.Message, AllTokens);
        TestSupport.AssertAbsent(string.Join("\n", server.UnmatchedRequests), AllTokens);
    }
}
