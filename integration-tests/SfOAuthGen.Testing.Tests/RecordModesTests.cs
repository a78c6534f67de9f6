using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing.Tests;

/// <summary>VCR's record modes against a loopback upstream, each written cassette scanned for every secret.</summary>
public sealed class RecordModesTests : IDisposable
{
    private const string Password = "p@ss+w0rd/é=SECURITYTOKEN";
    private const string ClientSecret = "cl!ent+secret/Value==";
    private const string AccessToken = "00D5g0000012345!AQ4AQRecordModesAccessTokenFake.abcdefghijklmnopqrstuvw";
    private const string RefreshToken = "5Aep861RecordModesRefreshTokenFake.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
    private const string LimitsPath = "/services/data/v62.0/limits";
    private static readonly string[] Secrets = [Password, ClientSecret, AccessToken, RefreshToken];

    private readonly string directory = Path.Combine(Path.GetTempPath(), "sfauth-modes-" + Guid.NewGuid().ToString("N"));

    private string CassettePath => Path.Combine(directory, "nested", "walkthrough.json");

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Salesforce on loopback: a password login and a data call, answering with real-looking (fake) secrets.</summary>
    private static Task<RecordedResponseServer> StartUpstreamAsync(string? leak = null)
    {
        var token = new JsonObject
        {
            ["access_token"] = AccessToken, ["refresh_token"] = RefreshToken, ["instance_url"] = "https://org.my.salesforce.com",
            ["id"] = "https://login.salesforce.com/id/00D5g0000012345/005000000000001", ["issued_at"] = "1735689600000", ["token_type"] = "Bearer",
        };
        if (leak is not null)
        {
            token["debug"] = leak;
        }

        return RecordedResponseServer.StartAsync(new Cassette()
            .Add(new Interaction(RequestPattern.Post().WithForm("grant_type", "password").WithForm("password", Password).WithForm("client_secret", ClientSecret), ResponseTemplate.FromJson(200, token)).Repeating())
            .Add(new Interaction(RequestPattern.Get(LimitsPath), ResponseTemplate.FromJson(200, """{"DailyApiRequests":{"Max":15000}}""")).Repeating()));
    }

    private static async Task<HttpStatusCode> LoginAsync(HttpClient client) =>
        (await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(("grant_type", "password"), ("client_id", "3MVGmodes"), ("client_secret", ClientSecret), ("password", Password)))).StatusCode;

    private static async Task<HttpStatusCode> LimitsAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, LimitsPath);
        request.Headers.Authorization = new("Bearer", AccessToken);
        return (await client.SendAsync(request)).StatusCode;
    }

    private async Task<string> ReadScannedAsync()
    {
        var text = await File.ReadAllTextAsync(CassettePath);
        TestSupport.AssertAbsent(text, Secrets);
        return text;
    }

    private static RecordedResponseServerOptions Options(RecordMode mode, RecordedResponseServer? upstream, bool inMemory = false) =>
        new() { RecordMode = mode, Upstream = upstream?.BaseUri, InMemory = inMemory };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Once_records_a_missing_cassette_then_replays_it_without_the_upstream(bool inMemory)
    {
        await using (var upstream = await StartUpstreamAsync())
        {
            await using (var server = await RecordedResponseServer.StartAsync(CassettePath, Options(RecordMode.Once, upstream, inMemory)))
            {
                using var client = server.CreateClient();
                Assert.Equal(HttpStatusCode.OK, await LoginAsync(client));
                Assert.Equal(HttpStatusCode.OK, await LimitsAsync(client));
            }

            Assert.Empty(upstream.UnusedInteractions);
        }

        var recorded = await ReadScannedAsync();
        Assert.Contains("{{secret:password}}", recorded, StringComparison.Ordinal);

        await using var silent = await RecordedResponseServer.StartAsync(new Cassette());
        await using (var replay = await RecordedResponseServer.StartAsync(CassettePath, Options(RecordMode.Once, silent, inMemory)))
        {
            using var client = replay.CreateClient();
            Assert.Equal(HttpStatusCode.OK, await LoginAsync(client));
            Assert.Equal(RecordMode.Once, replay.RecordMode);
            replay.AssertAllMatched();
        }

        Assert.Empty(silent.UnmatchedRequests); // the upstream was never asked
        Assert.Equal(recorded, await File.ReadAllTextAsync(CassettePath)); // and the file was not rewritten
    }

    [Fact]
    public async Task New_episodes_replays_what_matches_and_appends_the_rest()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CassettePath)!);
        new Cassette().Add(RequestPattern.Post().WithForm("grant_type", "password"), ResponseTemplate.FromJson(200, """{"access_token":"{{secret:access_token}}","instance_url":"https://x.my.salesforce.com"}""")).Save(CassettePath);
        await using (var upstream = await StartUpstreamAsync())
        {
            await using (var server = await RecordedResponseServer.StartAsync(CassettePath, Options(RecordMode.NewEpisodes, upstream)))
            {
                using var client = server.CreateClient();
                Assert.Equal(HttpStatusCode.OK, await LoginAsync(client)); // replayed
                Assert.Equal(HttpStatusCode.OK, await LimitsAsync(client)); // new episode
            }

            Assert.Equal(["POST /services/oauth2/token"], upstream.UnusedInteractions.Select(i => i.ToString()));
        }

        var recorded = Cassette.Parse(await ReadScannedAsync());
        Assert.Equal(["POST /services/oauth2/token", "GET " + LimitsPath], recorded.Interactions.Select(i => i.ToString()));
        Assert.Equal("Bearer {{secret:access_token}}", recorded.Interactions[1].Request.Headers["Authorization"]);
    }

    [Fact]
    public async Task All_re_records_over_an_existing_cassette()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CassettePath)!);
        new Cassette().Add(RequestPattern.Get("/stale"), ResponseTemplate.FromText(200, "stale")).Save(CassettePath);
        await using (var upstream = await StartUpstreamAsync())
        {
            await using var server = await RecordedResponseServer.StartAsync(CassettePath, Options(RecordMode.All, upstream, inMemory: true));
            using var client = server.CreateClient();
            Assert.Equal(HttpStatusCode.OK, await LoginAsync(client));
        }

        var recorded = await ReadScannedAsync();
        Assert.DoesNotContain("/stale", recorded, StringComparison.Ordinal);
        Assert.Single(Cassette.Parse(recorded).Interactions);
    }

    [Fact]
    public async Task None_replays_only_and_needs_the_file()
    {
        await Assert.ThrowsAsync<CassetteFormatException>(() => RecordedResponseServer.StartAsync(CassettePath, Options(RecordMode.None, null)));

        Directory.CreateDirectory(Path.GetDirectoryName(CassettePath)!);
        new Cassette().Save(CassettePath);
        await using var upstream = await StartUpstreamAsync();
        await using (var server = await RecordedResponseServer.StartAsync(CassettePath, Options(RecordMode.None, upstream)))
        {
            using var client = server.CreateClient();
            Assert.Equal((HttpStatusCode)599, await LoginAsync(client));
        }

        Assert.Equal(2, upstream.UnusedInteractions.Count);
    }

    [Theory]
    [InlineData(RecordMode.Once)]
    [InlineData(RecordMode.NewEpisodes)]
    [InlineData(RecordMode.All)]
    public async Task The_leak_gate_holds_in_every_recording_mode(RecordMode mode)
    {
        // The upstream echoes the password Base64-encoded under a name no rule knows.
        await using var upstream = await StartUpstreamAsync(leak: Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)));
        var server = await RecordedResponseServer.StartAsync(CassettePath, Options(mode, upstream));
        using (var client = server.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, await LoginAsync(client));
        }

        var error = await Assert.ThrowsAsync<SecretLeakException>(() => server.DisposeAsync().AsTask());

        Assert.False(File.Exists(CassettePath));
        TestSupport.AssertAbsent(error.Message, Secrets);
    }

    [Fact]
    public async Task A_recording_mode_without_an_upstream_is_refused_with_the_mode_named()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RecordedResponseServer.StartAsync(CassettePath, Options(RecordMode.All, null)));

        Assert.Contains("all", error.Message, StringComparison.Ordinal);
        Assert.Contains("Upstream", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, RecordMode.None)]
    [InlineData("", RecordMode.None)]
    [InlineData("none", RecordMode.None)]
    [InlineData("ONCE", RecordMode.Once)]
    [InlineData(" new_episodes ", RecordMode.NewEpisodes)]
    [InlineData("all", RecordMode.All)]
    public void Record_modes_parse_from_their_vcr_names(string? text, RecordMode expected) =>
        Assert.Equal(expected, RecordModes.Parse(text));

    [Fact]
    public void An_unknown_record_mode_is_refused_with_the_valid_ones_listed()
    {
        var error = Assert.Throws<ArgumentException>(() => RecordModes.Parse("sometimes"));

        Assert.Contains("none, once, new_episodes or all", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_mode_in_code_SFAUTH_RECORD_chooses_it()
    {
        await using var upstream = await StartUpstreamAsync();
        var previous = Environment.GetEnvironmentVariable(RecordModes.EnvironmentVariable);
        Environment.SetEnvironmentVariable(RecordModes.EnvironmentVariable, "once");
        try
        {
            await using (var server = await RecordedResponseServer.StartAsync(CassettePath, new() { Upstream = upstream.BaseUri }))
            {
                using var client = server.CreateClient();
                Assert.Equal(RecordMode.Once, server.RecordMode);
                Assert.Equal(HttpStatusCode.OK, await LoginAsync(client));
            }

            await ReadScannedAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable(RecordModes.EnvironmentVariable, previous);
        }
    }
}
