using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SfOAuthGen.Testing.Tests;

/// <summary>The server's built-in OAuth behaviours, exercised with plain HTTP (no runtime code in the loop).</summary>
public abstract class AuthorizationServerTests : ServerModeTests
{
    internal const string ClientId = "3MVG9LoopbackConsumerKeyForTests";
    internal const string ClientSecret = "LoopbackConsumerSecretForTests0001";
    internal static readonly RSA Key = RSA.Create(2048);
    internal static readonly string RedirectUri = "http://127.0.0.1:1717/callback";

    internal static RecordedResponseServerOptions Options(IReadOnlyCollection<string>? approved = null, string? secret = null, TimeSpan? lifetime = null) => new()
    {
        Authorization = new AuthorizationServerOptions
        {
            ClientId = ClientId,
            ClientSecret = secret,
            JwtPublicKeyPem = Key.ExportSubjectPublicKeyInfoPem(),
            ApprovedUsers = approved,
            SessionLifetime = lifetime ?? TimeSpan.FromHours(2),
        },
    };

    internal static string Verifier() => Base64Url(RandomNumberGenerator.GetBytes(32));

    internal static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static string Jwt(object claims, RSA? key = null)
    {
        var signingInput = Base64Url(Encoding.UTF8.GetBytes("{\"alg\":\"RS256\"}")) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = (key ?? Key).SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static async Task<Uri> AuthorizeAsync(HttpClient http, string challenge, string state = "st4te")
    {
        var response = await http.GetAsync(
            $"/services/oauth2/authorize?response_type=code&client_id={ClientId}&redirect_uri={Uri.EscapeDataString(RedirectUri)}&code_challenge={challenge}&code_challenge_method=S256&state={state}");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return response.Headers.Location!;
    }

    private static string Query(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p[1])).Single();

    private static Task<HttpResponseMessage> ExchangeAsync(HttpClient http, string code, string verifier, string redirect = "http://127.0.0.1:1717/callback") =>
        http.PostAsync("/services/oauth2/token", TestSupport.Form(
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("code_verifier", verifier), ("client_id", ClientId)));

    private static Task<HttpResponseMessage> JwtAsync(HttpClient http, string assertion) =>
        http.PostAsync("/services/oauth2/token", TestSupport.Form(("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)));

    private static async Task AssertErrorAsync(HttpResponseMessage response, string error, string description)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await TestSupport.JsonAsync(response);
        Assert.Equal(error, json.GetProperty("error").GetString());
        Assert.Equal(description, json.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Authorize_redirects_to_the_redirect_uri_with_a_code_and_the_state()
    {
        await using var server = await StartAsync(new Cassette(), Options());
        using var http = Client(server);

        var location = await AuthorizeAsync(http, Challenge(Verifier()), "xyz%2F1");

        Assert.Equal(RedirectUri, location.GetLeftPart(UriPartial.Path));
        Assert.Equal("xyz/1", Query(location, "state"));
        Assert.False(string.IsNullOrEmpty(Query(location, "code")));
    }

    [Fact]
    public async Task Authorize_refuses_an_unknown_client_and_a_missing_challenge()
    {
        await using var server = await StartAsync(new Cassette(), Options());
        using var http = Client(server);

        var unknown = await http.GetAsync($"/services/oauth2/authorize?response_type=code&client_id=nope&redirect_uri={Uri.EscapeDataString(RedirectUri)}&code_challenge=x&code_challenge_method=S256");
        await AssertErrorAsync(unknown, "invalid_client_id", "client identifier invalid");

        var plain = await http.GetAsync($"/services/oauth2/authorize?response_type=code&client_id={ClientId}&redirect_uri={Uri.EscapeDataString(RedirectUri)}&state=s");
        Assert.Equal(HttpStatusCode.Found, plain.StatusCode);
        Assert.Equal("invalid_request", Query(plain.Headers.Location!, "error"));
        Assert.Equal("s", Query(plain.Headers.Location!, "state"));
    }

    [Fact]
    public async Task The_code_exchange_verifies_the_PKCE_verifier_and_issues_an_access_and_a_refresh_token_once()
    {
        await using var server = await StartAsync(new Cassette(), Options());
        using var http = Client(server);
        var verifier = Verifier();
        var code = Query(await AuthorizeAsync(http, Challenge(verifier)), "code");

        var response = await ExchangeAsync(http, code, verifier);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await TestSupport.JsonAsync(response);
        var grant = Assert.Single(server.Authorization!.Grants);
        Assert.Equal("authorization_code", grant.GrantType);
        Assert.Equal(grant.AccessToken, json.GetProperty("access_token").GetString());
        Assert.Equal(grant.RefreshTokenIssued, json.GetProperty("refresh_token").GetString());
        Assert.StartsWith("5Aep861", grant.RefreshTokenIssued, StringComparison.Ordinal);
        Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), json.GetProperty("instance_url").GetString());

        await AssertErrorAsync(await ExchangeAsync(http, code, verifier), "invalid_grant", "invalid authorization code");
    }

    [Fact]
    public async Task A_wrong_verifier_gets_Salesforces_error()
    {
        await using var server = await StartAsync(new Cassette(), Options());
        using var http = Client(server);
        var code = Query(await AuthorizeAsync(http, Challenge(Verifier())), "code");

        var response = await ExchangeAsync(http, code, Verifier());

        Assert.Equal("{\"error\":\"invalid_grant\",\"error_description\":\"invalid code verifier\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(server.Authorization!.Grants);
    }

    [Fact]
    public async Task The_code_exchange_needs_the_same_redirect_uri()
    {
        await using var server = await StartAsync(new Cassette(), Options());
        using var http = Client(server);
        var verifier = Verifier();
        var code = Query(await AuthorizeAsync(http, Challenge(verifier)), "code");

        await AssertErrorAsync(await ExchangeAsync(http, code, verifier, "http://127.0.0.1:1718/callback"), "redirect_uri_mismatch", "redirect_uri must match configuration");
    }

    [Fact]
    public async Task A_JWT_assertion_signed_with_the_test_key_gets_a_token()
    {
        await using var server = await StartAsync(new Cassette(), Options());
        using var http = Client(server);
        var exp = DateTimeOffset.UtcNow.AddMinutes(3).ToUnixTimeSeconds();

        var response = await JwtAsync(http, Jwt(new { iss = ClientId, sub = "jwt.user@example.com", aud = "https://login.salesforce.com", exp }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await TestSupport.JsonAsync(response);
        Assert.False(json.TryGetProperty("refresh_token", out _));
        var grant = Assert.Single(server.Authorization!.Grants);
        Assert.Equal("jwt.user@example.com", grant.Subject);
        Assert.Equal(grant.AccessToken, json.GetProperty("access_token").GetString());
    }

    public static TheoryData<string, string, string, string> BadAssertions()
    {
        var now = DateTimeOffset.UtcNow;
        var ok = now.AddMinutes(3).ToUnixTimeSeconds();
        using var other = RSA.Create(2048);
        return new()
        {
            { Jwt(new { iss = ClientId, sub = "u@example.com", aud = "https://login.salesforce.com", exp = now.AddMinutes(-1).ToUnixTimeSeconds() }), "invalid_grant", "invalid assertion", "expired" },
            { Jwt(new { iss = ClientId, sub = "u@example.com", aud = "https://login.salesforce.com", exp = ok }, other), "invalid_grant", "invalid assertion", "signature" },
            { Jwt(new { iss = ClientId, sub = "u@example.com", aud = "https://evil.example.com", exp = ok }), "invalid_grant", "Audience validation failed", "aud" },
            { Jwt(new { iss = "3MVGsomeoneelse", sub = "u@example.com", aud = "https://login.salesforce.com", exp = ok }), "invalid_client_id", "client identifier invalid", "iss" },
            { Jwt(new { iss = ClientId, sub = "stranger@example.com", aud = "https://login.salesforce.com", exp = ok }), "invalid_grant", "user hasn't approved this consumer", "pre-authorised" },
            { Jwt(new { iss = ClientId, sub = "u@example.com", aud = "https://login.salesforce.com", exp = now.AddHours(1).ToUnixTimeSeconds() }), "invalid_grant", "invalid assertion", "5 minutes" },
            { "not.a.jwt", "invalid_grant", "invalid assertion", "Base64url JSON" },
            { "only.two", "invalid_grant", "invalid assertion", "three" },
        };
    }

    [Theory]
    [MemberData(nameof(BadAssertions))]
    public async Task Bad_JWT_assertions_are_refused_for_the_right_reason(string assertion, string error, string description, string reason)
    {
        await using var server = await StartAsync(new Cassette(), Options(approved: ["u@example.com"]));
        using var http = Client(server);

        await AssertErrorAsync(await JwtAsync(http, assertion), error, description);

        Assert.Contains(reason, Assert.Single(server.Authorization!.Rejections), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_a_refresh_token_ends_it_and_its_access_tokens()
    {
        await using var server = await StartAsync(new Cassette(), Options());
        using var http = Client(server);
        var verifier = Verifier();
        var json = await TestSupport.JsonAsync(await ExchangeAsync(http, Query(await AuthorizeAsync(http, Challenge(verifier)), "code"), verifier));
        var refresh = json.GetProperty("refresh_token").GetString()!;
        var access = json.GetProperty("access_token").GetString()!;

        var revoked = await http.PostAsync("/services/oauth2/revoke", TestSupport.Form(("token", refresh)));

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.True(server.Authorization!.IsRevoked(refresh));
        Assert.True(server.Authorization.IsRevoked(access));
        await AssertErrorAsync(await http.PostAsync("/services/oauth2/revoke", TestSupport.Form(("token", refresh))), "invalid_token", "invalid token");
        await AssertErrorAsync(await http.PostAsync("/services/oauth2/revoke", TestSupport.Form(("token", ""))), "unsupported_token_type", "this token type is not supported");
        await AssertErrorAsync(
            await http.PostAsync("/services/oauth2/token", TestSupport.Form(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", ClientId))),
            "invalid_grant", "expired access/refresh token");
    }

    [Fact]
    public async Task Introspection_reports_issued_tokens_and_needs_the_client_secret()
    {
        await using var server = await StartAsync(new Cassette(), Options(secret: ClientSecret, lifetime: TimeSpan.FromMinutes(30)));
        using var http = Client(server);
        var exp = DateTimeOffset.UtcNow.AddMinutes(3).ToUnixTimeSeconds();
        var access = (await TestSupport.JsonAsync(await JwtAsync(http, Jwt(new { iss = ClientId, sub = "u@example.com", aud = "https://test.salesforce.com", exp })))).GetProperty("access_token").GetString()!;

        var json = await TestSupport.JsonAsync(await IntrospectWithBasicAsync(http, access));

        Assert.True(json.GetProperty("active").GetBoolean());
        Assert.Equal(json.GetProperty("iat").GetInt64() + 1800, json.GetProperty("exp").GetInt64());
        Assert.Equal("u@example.com", json.GetProperty("username").GetString());
        Assert.Equal(ClientId, json.GetProperty("client_id").GetString());
        Assert.Equal("access_token", json.GetProperty("token_type").GetString());

        var unknown = await TestSupport.JsonAsync(await IntrospectWithBasicAsync(http, "00DFAKE00000001!AQunknown"));
        Assert.False(unknown.GetProperty("active").GetBoolean());

        var noSecret = await http.PostAsync("/services/oauth2/introspect", TestSupport.Form(("token", access), ("client_id", ClientId)));
        await AssertErrorAsync(noSecret, "invalid_client", "invalid client credentials");

        static Task<HttpResponseMessage> IntrospectWithBasicAsync(HttpClient http, string token)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/services/oauth2/introspect")
            {
                Content = TestSupport.Form(("token", token), ("token_type_hint", "access_token")),
            };
            request.Headers.Authorization = TestSupport.Basic(ClientId, ClientSecret);
            return http.SendAsync(request);
        }
    }

    [Fact]
    public async Task Without_the_option_and_for_tokens_it_did_not_issue_the_cassette_answers()
    {
        await using var plain = await StartAsync(new Cassette());
        using (var http = Client(plain))
        {
            var response = await http.GetAsync($"/services/oauth2/authorize?response_type=code&client_id={ClientId}");
            Assert.Equal(599, (int)response.StatusCode);
        }

        var cassette = TestSupport.Single(
            RequestPattern.Post().WithForm("grant_type", "refresh_token"),
            ResponseTemplate.FromJson(200, "{\"access_token\":\"00DFAKE00000001!AQfromTheCassette0000000000000000000000000000\",\"instance_url\":\"https://x.my.salesforce.com\"}"));
        await using var server = await StartAsync(cassette, Options());
        using var client = Client(server);
        var answer = await client.PostAsync("/services/oauth2/token", TestSupport.Form(("grant_type", "refresh_token"), ("refresh_token", "5Aep861notIssuedHere"), ("client_id", ClientId)));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("fromTheCassette", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Authorization!.Grants);
    }
}

public sealed class AuthorizationServerTestsOverSockets : AuthorizationServerTests
{
    protected override bool InMemory => false;
}

public sealed class AuthorizationServerTestsInMemory : AuthorizationServerTests
{
    protected override bool InMemory => true;
}
