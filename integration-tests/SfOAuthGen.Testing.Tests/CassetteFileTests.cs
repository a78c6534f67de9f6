using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SfOAuthGen.Testing.Tests;

/// <summary>The committed cassettes load and follow Salesforce's documented shapes (docs/testing.md, SALESFORCE.md).</summary>
public abstract class CassetteFileTests : ServerModeTests
{
    private static readonly Regex AccessToken = new("^00D[0-9A-Za-z]{12}![0-9A-Za-z._]{40,}$");
    private static readonly Regex RefreshToken = new("^5Aep861[0-9A-Za-z._]{72,}$");
    private static readonly Regex Identity = new("^https://login\\.salesforce\\.com/id/00D[0-9A-Za-z]{12}/005[0-9A-Za-z]{12}$");
    private static readonly Regex Placeholder = new("^\\{\\{secret:[A-Za-z0-9_.\\-]+\\}\\}$");

    private static readonly string[] Expected =
    [
        "error-authentication-failure.json", "error-expired-refresh-token.json", "error-invalid-client-id.json", "error-invalid-client.json",
        "error-unsupported-grant-type.json", "invalid-session-401.json", "maintenance-503.json", "password-success-with-refresh-token.json",
        "password-success.json", "postman-walkthrough.json", "quickstart.json", "refresh-rotation.json", "refresh-success.json",
    ];

    public static TheoryData<string> Files() => new(Expected);

    [Fact]
    public void Every_file_in_the_folder_is_one_of_the_documented_cassettes()
    {
        var present = Directory.GetFiles(TestSupport.CassetteDirectory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(Expected, present);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Loads_and_follows_salesforce_documented_shapes(string name)
    {
        var cassette = Cassette.Load(Path.Combine(TestSupport.CassetteDirectory, name));

        Assert.NotEmpty(cassette.Interactions);
        Assert.Contains("not recorded from a live org", cassette.Description, StringComparison.Ordinal);
        foreach (var interaction in cassette.Interactions)
        {
            foreach (var (field, value) in interaction.Request.Form)
            {
                if (field is "password" or "client_secret" or "refresh_token" or "assertion" or "code" or "code_verifier")
                {
                    Assert.Matches(Placeholder, value);
                }
            }

            if (interaction.Request.Headers.TryGetValue("Authorization", out var authorization))
            {
                Assert.Matches("^Bearer \\{\\{secret:[a-z_0-9]+\\}\\}$", authorization);
            }

            if (interaction.Response.Json is JsonObject json && json.ContainsKey("access_token"))
            {
                AssertTokenResponse(cassette, interaction, json);
            }
            else if (interaction.Response.Json is JsonObject error && error.ContainsKey("error"))
            {
                Assert.Equal(400, interaction.Response.Status);
                Assert.False(string.IsNullOrEmpty(error["error_description"]?.GetValue<string>()));
            }
        }
    }

    private static void AssertTokenResponse(Cassette cassette, Interaction interaction, JsonObject json)
    {
        string Resolve(string key)
        {
            var value = json[key]!.GetValue<string>();
            var match = Regex.Match(value, "^\\{\\{secret:(.+)\\}\\}$");
            return match.Success ? cassette.Placeholders[match.Groups[1].Value] : value;
        }

        Assert.Equal(200, interaction.Response.Status);
        Assert.Matches(AccessToken, Resolve("access_token"));
        Assert.Matches(Identity, json["id"]!.GetValue<string>());
        Assert.StartsWith("https://", json["instance_url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Bearer", json["token_type"]!.GetValue<string>());
        Assert.Matches("^[0-9]{13}$", json["issued_at"]!.GetValue<string>()); // a JSON string of milliseconds
        Assert.Equal("{{signature}}", json["signature"]!.GetValue<string>());
        Assert.False(json.ContainsKey("expires_in"));
        if (json.ContainsKey("refresh_token"))
        {
            Assert.Matches(RefreshToken, Resolve("refresh_token"));
        }

        if (interaction.Request.Form.TryGetValue("grant_type", out var grant) && grant == "password")
        {
            Assert.False(json.ContainsKey("scope"), "the password flow answers no scope");
        }
    }

    [Theory]
    [InlineData("error-authentication-failure.json", "password", "invalid_grant", "authentication failure")]
    [InlineData("error-expired-refresh-token.json", "refresh_token", "invalid_grant", "expired access/refresh token")]
    [InlineData("error-invalid-client-id.json", "password", "invalid_client_id", "client identifier invalid")]
    [InlineData("error-invalid-client.json", "refresh_token", "invalid_client", "invalid client credentials")]
    [InlineData("error-unsupported-grant-type.json", "passwrd", "unsupported_grant_type", "grant type not supported")]
    public async Task Error_cassettes_answer_salesforce_errors(string name, string grant, string error, string description)
    {
        await using var server = await StartAsync(Cassette.Load(Path.Combine(TestSupport.CassetteDirectory, name)));
        using var client = Client(server);

        var response = await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
            ("grant_type", grant), ("username", "u"), ("password", "p"), ("refresh_token", "r"), ("client_id", "3MVGfake"), ("client_secret", "cs")));
        var json = await TestSupport.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, json.GetProperty("error").GetString());
        Assert.Equal(description, json.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Invalid_session_cassette_answers_401_from_the_data_api()
    {
        await using var server = await StartAsync(Cassette.Load(Path.Combine(TestSupport.CassetteDirectory, "invalid-session-401.json")));
        using var client = Client(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/services/data/v62.0/limits");
        request.Headers.Authorization = new("Bearer", "00DFAKE00000001!AQsomeExpiredSession");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("INVALID_SESSION_ID", (await TestSupport.JsonAsync(response))[0].GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Quickstart_serves_the_whole_walkthrough_and_the_data_api_needs_the_latest_token()
    {
        await using var server = await StartAsync(Cassette.Load(Path.Combine(TestSupport.CassetteDirectory, "quickstart.json")));
        using var client = Client(server);
        using var login = new HttpRequestMessage(HttpMethod.Post, RequestPattern.TokenPath)
        {
            Content = TestSupport.Form(("grant_type", "password"), ("username", "user@example.com"), ("password", "pwTOKEN")),
        };
        login.Headers.Authorization = TestSupport.Basic("3MVGfake", "cs");
        var token = await TestSupport.JsonAsync(await client.SendAsync(login));
        var tokens = new List<string> { token.GetProperty("access_token").GetString()! };
        var refresh = token.GetProperty("refresh_token").GetString()!;
        for (var i = 0; i < 2; i++)
        {
            var next = await TestSupport.JsonAsync(await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
                ("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "3MVGfake"), ("client_secret", "cs"))));
            refresh = next.GetProperty("refresh_token").GetString()!;
            tokens.Add(next.GetProperty("access_token").GetString()!);
        }

        var instance = new Uri(token.GetProperty("instance_url").GetString()!);
        async Task<HttpStatusCode> LimitsAsync(string accessToken)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(instance, "/services/data/v62.0/limits"));
            request.Headers.Authorization = new("Bearer", accessToken);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await LimitsAsync(tokens[2]));
        Assert.Equal((HttpStatusCode)599, await LimitsAsync(tokens[0]));
        Assert.Equal(3, tokens.Distinct().Count());
        Assert.Empty(server.UnusedInteractions);
    }

    [Fact]
    public async Task The_postman_walkthrough_cassette_answers_the_collections_three_requests_again_and_again()
    {
        // The requests of docs/postman's collection, as Postman sends them (Basic client auth, then body client auth).
        var collection = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "postman", "SfOAuthGen-walkthrough.postman_collection.json")));
        var items = collection.RootElement.GetProperty("item").EnumerateArray().Select(i => i.GetProperty("request")).ToArray();
        Assert.Equal(["POST", "POST", "GET"], items.Select(i => i.GetProperty("method").GetString()));
        Assert.Equal("basic", items[0].GetProperty("auth").GetProperty("type").GetString());
        Assert.Equal("bearer", items[2].GetProperty("auth").GetProperty("type").GetString());

        await using var server = await StartAsync(Cassette.Load(Path.Combine(TestSupport.CassetteDirectory, "postman-walkthrough.json")));
        using var client = Client(server);
        for (var run = 0; run < 2; run++)
        {
            using var login = new HttpRequestMessage(HttpMethod.Post, RequestPattern.TokenPath)
            {
                Content = TestSupport.Form(("grant_type", "password"), ("username", "user@example.com"), ("password", "demo-passwordDEMOSECURITYTOKEN")),
            };
            login.Headers.Authorization = TestSupport.Basic("demo-consumer-key", "demo-consumer-secret");
            var token = await TestSupport.JsonAsync(await client.SendAsync(login));
            var refreshed = await TestSupport.JsonAsync(await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
                ("grant_type", "refresh_token"), ("refresh_token", token.GetProperty("refresh_token").GetString()!), ("client_id", "demo-consumer-key"), ("client_secret", "demo-consumer-secret"))));
            Assert.NotEqual(token.GetProperty("access_token").GetString(), refreshed.GetProperty("access_token").GetString());
            using var data = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(refreshed.GetProperty("instance_url").GetString()!), "/services/data/v62.0/limits"));
            data.Headers.Authorization = new("Bearer", refreshed.GetProperty("access_token").GetString());
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.SendAsync(data)).StatusCode);
        }

        server.AssertAllMatched();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SfOAuthGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the repository: SfOAuthGen.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed class CassetteFileTestsOverSockets : CassetteFileTests
{
    protected override bool InMemory => false;
}

public sealed class CassetteFileTestsInMemory : CassetteFileTests
{
    protected override bool InMemory => true;
}
