using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing.Tests;

public class RecordModeTests
{
    private const string Password = "p@ss+w0rd/é=SECURITYTOKEN";
    private const string ClientId = "3MVGFakeConsumerKeyForRecording";
    private const string ClientSecret = "cl!ent+secret/Value==";
    private const string AccessToken1 = "00DUPSTREAM00001!AQupstreamAccessTokenNumberOne.abcdefghijklmnopqrstuvwxyz";
    private const string AccessToken2 = "00DUPSTREAM00001!AQupstreamAccessTokenNumberTwo.abcdefghijklmnopqrstuvwxyz";
    private const string RefreshToken1 = "5Aep861UpstreamRefreshTokenNumberOne.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
    private const string RefreshToken2 = "5Aep861UpstreamRefreshTokenNumberTwo.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
    private const string Signature1 = "dXBzdHJlYW1TaWduYXR1cmVPbmUxMjM0NTY3ODkwYWI=";
    private const string Signature2 = "dXBzdHJlYW1TaWduYXR1cmVUd28xMjM0NTY3ODkwYWI=";

    private static readonly string[] AllSecrets = [Password, ClientSecret, AccessToken1, AccessToken2, RefreshToken1, RefreshToken2, Signature1, Signature2];

    /// <summary>A second loopback server playing Salesforce, with realistic-looking (fake) secrets in clear.</summary>
    private static Cassette Upstream(string? leak = null)
    {
        static JsonObject Token(string access, string refresh, string signature, string issued) => new()
        {
            ["access_token"] = access, ["refresh_token"] = refresh, ["signature"] = signature, ["issued_at"] = issued,
            ["instance_url"] = "https://upstream-org.my.salesforce.com", ["id"] = "https://login.salesforce.com/id/00DUPSTREAM00001/005UPSTREAM00001",
            ["token_type"] = "Bearer",
        };

        var first = Token(AccessToken1, RefreshToken1, Signature1, "1735689600000");
        if (leak is not null)
        {
            first["debug"] = leak;
        }

        return new Cassette()
            .Add(RequestPattern.Post().WithForm("grant_type", "password").WithForm("password", Password).WithForm("client_secret", ClientSecret), ResponseTemplate.FromJson(200, first))
            .Add(RequestPattern.Post().WithForm("grant_type", "refresh_token").WithForm("refresh_token", RefreshToken1).WithForm("client_secret", ClientSecret), ResponseTemplate.FromJson(200, Token(AccessToken2, RefreshToken2, Signature2, "1735693200000")))
            .Add(RequestPattern.Get("/services/data/v62.0/limits").WithHeader("Authorization", "Bearer " + AccessToken2), ResponseTemplate.FromJson(200, """{"DailyApiRequests":{"Max":15000,"Remaining":14999}}"""));
    }

    /// <summary>The walkthrough: password (client auth in Basic), refresh (client auth in the body), then a data-API call.</summary>
    private static async Task<List<HttpStatusCode>> WalkAsync(HttpClient client, string password, string clientSecret)
    {
        var statuses = new List<HttpStatusCode>();
        using var login = new HttpRequestMessage(HttpMethod.Post, RequestPattern.TokenPath)
        {
            Content = TestSupport.Form(("grant_type", "password"), ("username", "user@example.com"), ("password", password)),
        };
        login.Headers.Authorization = TestSupport.Basic(ClientId, clientSecret);
        var first = await client.SendAsync(login);
        statuses.Add(first.StatusCode);
        var refreshToken = (await TestSupport.JsonAsync(first)).GetProperty("refresh_token").GetString()!;

        var second = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", ClientId), ("client_secret", clientSecret)));
        statuses.Add(second.StatusCode);
        var json = await TestSupport.JsonAsync(second);
        var instance = new Uri(json.GetProperty("instance_url").GetString()!);

        using var data = new HttpRequestMessage(HttpMethod.Get, new Uri(instance, "/services/data/v62.0/limits"));
        data.Headers.Authorization = new("Bearer", json.GetProperty("access_token").GetString());
        statuses.Add((await client.SendAsync(data)).StatusCode);
        return statuses;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Proxied_signature_is_re_signed_for_the_rewritten_id_only_when_it_was_valid(bool validUpstreamSignature)
    {
        const string id = "https://login.salesforce.com/id/00DUPSTREAM00001/005UPSTREAM00001";
        const string issuedAt = "1735689600000";
        static string Sign(string message) => Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(ClientSecret), Encoding.UTF8.GetBytes(message)));
        var upstreamSignature = validUpstreamSignature ? "{{signature}}" : Signature1; // the upstream signs the id it serves
        var token = new JsonObject { ["access_token"] = AccessToken1, ["id"] = id, ["issued_at"] = issuedAt, ["signature"] = upstreamSignature, ["instance_url"] = "https://upstream-org.my.salesforce.com" };
        await using var upstream = await RecordedResponseServer.StartAsync(TestSupport.Single(RequestPattern.Post().WithForm("client_secret", ClientSecret), ResponseTemplate.FromJson(200, token)));
        await using var recorder = await RecordedResponseServer.StartRecordingAsync(upstream.BaseUri);
        using var client = TestSupport.Client(recorder);
        using var login = new HttpRequestMessage(HttpMethod.Post, RequestPattern.TokenPath) { Content = TestSupport.Form(("grant_type", "password")) };
        login.Headers.Authorization = TestSupport.Basic(ClientId, ClientSecret);

        var json = await TestSupport.JsonAsync(await client.SendAsync(login));

        var servedId = json.GetProperty("id").GetString()!;
        Assert.StartsWith(recorder.BaseUri.GetLeftPart(UriPartial.Authority) + "/id/", servedId, StringComparison.Ordinal);
        Assert.Equal(validUpstreamSignature ? Sign(servedId + issuedAt) : Signature1, json.GetProperty("signature").GetString());
    }

    [Fact]
    public async Task Recording_redacts_every_secret_in_every_encoding_and_the_recording_replays()
    {
        await using var upstream = await RecordedResponseServer.StartAsync(Upstream());
        await using var recorder = await RecordedResponseServer.StartRecordingAsync(upstream.BaseUri);
        using (var client = TestSupport.Client(recorder))
        {
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], await WalkAsync(client, Password, ClientSecret));
        }

        upstream.AssertAllMatched();
        var path = Path.GetTempFileName();
        try
        {
            recorder.SaveRecording(path);
            var text = await File.ReadAllTextAsync(path);
            TestSupport.AssertAbsent(text, AllSecrets);
            TestSupport.AssertAbsent(text, ClientId + ":" + ClientSecret); // the Basic header's Base64
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientId + ":" + ClientSecret)), text, StringComparison.Ordinal);

            // The same secret gets the same placeholder: the issued access token lines up with the later Bearer header.
            var recorded = Cassette.Load(path);
            Assert.Equal(3, recorded.Interactions.Count);
            var issued = recorded.Interactions[1].Response.Json!["access_token"]!.GetValue<string>();
            Assert.Equal("Bearer " + issued, recorded.Interactions[2].Request.Headers["Authorization"]);
            Assert.Equal(recorded.Interactions[0].Response.Json!["refresh_token"]!.GetValue<string>(), recorded.Interactions[1].Request.Form["refresh_token"]);
            Assert.Equal(recorded.Interactions[0].Request.Form["client_secret"], recorded.Interactions[1].Request.Form["client_secret"]);
            Assert.Equal(ClientId, recorded.Interactions[0].Request.Form["client_id"]);

            await using var replay = await RecordedResponseServer.StartAsync(recorded);
            using var replayClient = TestSupport.Client(replay);
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], await WalkAsync(replayClient, "another password", "another secret"));
            replay.AssertAllMatched();
            replay.AssertAllUsed();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Recording_refuses_to_write_a_cassette_in_which_a_secret_survives()
    {
        // The upstream echoes the password Base64-encoded in a field no rule knows about.
        var leak = Convert.ToBase64String(Encoding.UTF8.GetBytes(Password));
        await using var upstream = await RecordedResponseServer.StartAsync(Upstream(leak));
        await using var recorder = await RecordedResponseServer.StartRecordingAsync(upstream.BaseUri);
        using (var client = TestSupport.Client(recorder))
        {
            await WalkAsync(client, Password, ClientSecret);
        }

        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        var error = Assert.Throws<SecretLeakException>(() => recorder.SaveRecording(path));

        Assert.False(File.Exists(path));
        Assert.Contains("{{secret:password}}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Base64", error.Message, StringComparison.Ordinal);
        TestSupport.AssertAbsent(error.Message, AllSecrets);
    }

    [Fact]
    public async Task A_replaying_server_is_not_a_recorder()
    {
        await using var server = await RecordedResponseServer.StartAsync(new Cassette());

        Assert.Throws<InvalidOperationException>(() => server.GetRecording());
    }

    [Fact]
    public async Task Recording_keeps_every_response_header_redacts_cookies_and_records_json_request_bodies()
    {
        var upstreamResponse = ResponseTemplate.FromJson(200, """{"ok":true}""")
            .WithHeader("Set-Cookie", "sid=" + AccessToken1 + "; Path=/; Secure\nBrowserId=abcdefgh12345678; Path=/")
            .WithHeader("Sforce-Limit-Info", "api-usage=25/15000")
            .WithHeader("X-Request-Id", "req-42");
        await using var upstream = await RecordedResponseServer.StartAsync(TestSupport.Single(
            RequestPattern.Post("/services/apexrest/login").WithJson($$"""{"user":"u@example.com","password":"{{Password}}"}"""), upstreamResponse));
        await using var recorder = await RecordedResponseServer.StartRecordingAsync(upstream.BaseUri);
        using (var client = TestSupport.Client(recorder))
        {
            var proxied = await client.PostAsync("/services/apexrest/login", new StringContent($$"""{"password":"{{Password}}","user":"u@example.com"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
            Assert.Equal(2, proxied.Headers.GetValues("Set-Cookie").Count()); // the client under test gets them too
        }

        upstream.AssertAllMatched();
        var recorded = recorder.GetRecording();
        var text = recorded.ToJson();
        TestSupport.AssertAbsent(text, Password, AccessToken1, "abcdefgh12345678");
        var interaction = recorded.Interactions.Single();
        Assert.Equal("u@example.com", interaction.Request.Json!["user"]!.GetValue<string>());
        Assert.Equal("{{secret:password}}", interaction.Request.Json!["password"]!.GetValue<string>());
        Assert.Equal("api-usage=25/15000", interaction.Response.Headers["Sforce-Limit-Info"]);
        Assert.Equal("req-42", interaction.Response.Headers["X-Request-Id"]);

        // Replayed: each cookie its own header, its value a fake of the recorded placeholder.
        await using var replay = await RecordedResponseServer.StartAsync(recorded);
        using var replayClient = TestSupport.Client(replay);
        var response = await replayClient.PostAsync("/services/apexrest/login", new StringContent("""{"user":"u@example.com","password":"other"}""", Encoding.UTF8, "application/json"));
        var cookies = response.Headers.GetValues("Set-Cookie").ToArray();
        Assert.Equal(2, cookies.Length);
        Assert.StartsWith("sid=", cookies[0], StringComparison.Ordinal);
        Assert.EndsWith("; Path=/; Secure", cookies[0], StringComparison.Ordinal);
        Assert.DoesNotContain("{{", cookies[0], StringComparison.Ordinal);
        Assert.Equal("api-usage=25/15000", response.Headers.GetValues("Sforce-Limit-Info").Single());
    }
}
