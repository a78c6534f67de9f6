using System.Security.Cryptography;
using System.Text;

namespace SfOAuthGen.Testing.Tests;

public abstract class RewritingTests : ServerModeTests
{
    [Fact]
    public async Task Url_fields_point_back_at_the_server_keeping_their_path()
    {
        // Salesforce-shaped URLs as a recorded answer holds them: the server rewrites them to itself before answering, and
        // nothing in this test (or the server) ever sends a request to them; the assertions below check they became loopback.
        var response = ResponseTemplate.FromJson(200, """
            {"instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00DFAKE00000001/005FAKE00000001",
             "sfdc_community_url":"https://acme.force.com/customers?x=1","elsewhere":"https://example.com/keep"}
            """);
        await using var server = await StartAsync(TestSupport.Single(RequestPattern.Post(), response));
        using var client = Client(server);

        var json = await TestSupport.JsonAsync(await client.PostAsync(RequestPattern.TokenPath, null));

        var origin = server.BaseUri.GetLeftPart(UriPartial.Authority);
        Assert.Equal(origin, json.GetProperty("instance_url").GetString());
        Assert.Equal(origin + "/id/00DFAKE00000001/005FAKE00000001", json.GetProperty("id").GetString());
        Assert.Equal(origin + "/customers?x=1", json.GetProperty("sfdc_community_url").GetString());
        Assert.Equal("https://example.com/keep", json.GetProperty("elsewhere").GetString());
        Assert.True(new Uri(origin).IsLoopback, origin); // 127.0.0.1 over a socket, 127.x.y.z in memory
    }

    [Fact]
    public async Task Signature_is_the_hmac_of_the_served_id_and_issued_at_keyed_by_the_client_secret()
    {
        const string ClientSecret = "fake+client/secret";
        var cassette = Cassette.Load(Path.Combine(TestSupport.CassetteDirectory, "password-success.json"));
        await using var server = await StartAsync(cassette);
        using var client = Client(server);

        var json = await TestSupport.JsonAsync(await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
            ("grant_type", "password"), ("username", "u"), ("password", "p"), ("client_id", "3MVGfake"), ("client_secret", ClientSecret))));

        var expected = Convert.ToBase64String(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(ClientSecret),
            Encoding.UTF8.GetBytes(json.GetProperty("id").GetString() + json.GetProperty("issued_at").GetString())));
        Assert.Equal(expected, json.GetProperty("signature").GetString());
    }

    // The server keeps its last rendered body (issue 15: no re-encoding per request); these pin that it is rebuilt when what it was built from changes.
    [Fact]
    public async Task A_placeholder_value_changed_between_requests_is_served_in_the_next_answer()
    {
        var cassette = TestSupport.Single(RequestPattern.Post(), ResponseTemplate.FromJson(200, """{"access_token":"{{secret:access_token}}"}"""));
        cassette.Interactions[0].Times = Interaction.Unlimited;
        await using var server = await StartAsync(cassette);
        using var client = Client(server);
        server.Secrets["access_token"] = "first-token";
        var first = await TestSupport.JsonAsync(await client.PostAsync(RequestPattern.TokenPath, null));

        server.Secrets["access_token"] = "second-token";
        var second = await TestSupport.JsonAsync(await client.PostAsync(RequestPattern.TokenPath, null));

        Assert.Equal("first-token", first.GetProperty("access_token").GetString());
        Assert.Equal("second-token", second.GetProperty("access_token").GetString());
    }

    [Fact]
    public async Task Each_request_is_signed_with_its_own_client_secret_when_the_same_interaction_answers_again()
    {
        var cassette = Cassette.Load(Path.Combine(TestSupport.CassetteDirectory, "password-success.json"));
        cassette.Interactions[0].Times = Interaction.Unlimited;
        await using var server = await StartAsync(cassette);
        using var client = Client(server);

        foreach (var clientSecret in new[] { "secret-one", "secret-two", "secret-one" })
        {
            var json = await TestSupport.JsonAsync(await client.PostAsync(RequestPattern.TokenPath, TestSupport.Form(
                ("grant_type", "password"), ("username", "u"), ("password", "p"), ("client_id", "3MVGfake"), ("client_secret", clientSecret))));

            var expected = Convert.ToBase64String(HMACSHA256.HashData(
                Encoding.UTF8.GetBytes(clientSecret),
                Encoding.UTF8.GetBytes(json.GetProperty("id").GetString() + json.GetProperty("issued_at").GetString())));
            Assert.Equal(expected, json.GetProperty("signature").GetString());
        }
    }
}

public sealed class RewritingTestsOverSockets : RewritingTests
{
    protected override bool InMemory => false;
}

public sealed class RewritingTestsInMemory : RewritingTests
{
    protected override bool InMemory => true;
}
