using System.Net;
using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Testing.Tests;

/// <summary>
/// Each flow end to end: a <see cref="SalesforceTokenClient"/> built from <see cref="SalesforceOrgSettings"/> (what a
/// generated client does) against the loopback server, success and the documented errors.
/// </summary>
public abstract class FlowEndToEndTests : ServerModeTests
{
    private const string ClientId = AuthorizationServerTests.ClientId;
    private static readonly string PrivateKeyPem = AuthorizationServerTests.Key.ExportPkcs8PrivateKeyPem();

    private static SalesforceTokenClient Client(RecordedResponseServer server, SalesforceOrgSettings settings, TimeProvider? time = null) =>
        new(settings, new SalesforceTokenClientOptions
        {
            LoginUrl = server.BaseUri,
            HttpClient = Client(server),
            TimeProvider = time,
            FailureBackoff = TimeSpan.Zero,
            IsolatedTokenState = true, // each client is its own app here (a right and a wrong secret): no shared chain
        });

    private static SalesforceOrgSettings Jwt(string user = "jwt.user@example.com", string? audience = null) => new()
    {
        Name = "Integration",
        LoginUrl = new Uri("https://test.salesforce.com"),
        Flow = SalesforceFlow.JwtBearer,
        ClientId = SecretReference.Literal(ClientId),
        Username = SecretReference.Literal(user),
        PrivateKey = SecretReference.Literal(PrivateKeyPem),
        Audience = audience,
    };

    private static SalesforceOrgSettings WebServer(string? refreshToken = null) => new()
    {
        Name = "Integration",
        LoginUrl = new Uri("https://acme.my.salesforce.com"),
        Flow = refreshToken is null ? SalesforceFlow.WebServer : SalesforceFlow.RefreshToken,
        ClientId = SecretReference.Literal(ClientId),
        RedirectUri = new Uri(AuthorizationServerTests.RedirectUri),
        RefreshToken = refreshToken is null ? null : SecretReference.Literal(refreshToken),
    };

    /// <summary>Plays the browser: follows the authorize URL to the 302 and returns where it points.</summary>
    private static async Task<Uri> BrowseAsync(RecordedResponseServer server, Uri authorizeUrl)
    {
        using var browser = Client(server);
        var response = await browser.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return response.Headers.Location!;
    }

    [Fact]
    public async Task Jwt_bearer_gets_a_token_verified_by_the_server_and_renews_with_a_new_assertion()
    {
        await using var server = await StartAsync(new Cassette(), AuthorizationServerTests.Options());
        using var client = Client(server, Jwt());

        var token = await client.GetTokenAsync();
        var renewed = await client.RefreshAsync();

        var grants = server.Authorization!.Grants;
        Assert.Equal(2, grants.Count);
        Assert.All(grants, g => Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", g.GrantType));
        Assert.Equal(grants[0].AccessToken, token.AccessToken);
        Assert.Equal(grants[1].AccessToken, renewed.AccessToken);
        Assert.Null(token.RefreshToken);
        Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), token.InstanceUrl.GetLeftPart(UriPartial.Authority));
    }

    [Fact]
    public async Task Jwt_bearer_with_an_unapproved_user_gets_the_pre_authorisation_hint()
    {
        await using var server = await StartAsync(new Cassette(), AuthorizationServerTests.Options(approved: ["someone.else@example.com"]));
        using var client = Client(server, Jwt());

        var ex = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal("invalid_grant", ex.Error);
        Assert.Equal("user hasn't approved this consumer", ex.ErrorDescription);
        Assert.Contains("pre-authorized", ex.Hint, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task Jwt_bearer_with_a_wrong_audience_gets_the_audience_hint()
    {
        await using var server = await StartAsync(new Cassette(), AuthorizationServerTests.Options());
        using var client = Client(server, Jwt(audience: "https://acme.my.salesforce.com"));

        var ex = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal("Audience validation failed", ex.ErrorDescription);
        Assert.Contains("'audience'", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_bearer_assertions_from_a_clock_ten_minutes_behind_are_refused_as_expired()
    {
        await using var server = await StartAsync(new Cassette(), AuthorizationServerTests.Options());
        using var client = Client(server, Jwt(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10)));

        var ex = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal("invalid_grant", ex.Error);
        Assert.Contains("expired", Assert.Single(server.Authorization!.Rejections), StringComparison.Ordinal);
        Assert.Contains("clock", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_credentials_through_a_cassette_and_its_documented_error()
    {
        var cassette = new Cassette()
            .Add(
                RequestPattern.Post().WithForm("grant_type", "client_credentials").WithForm("client_id", ClientId).WithForm("client_secret", "right-secret"),
                ResponseTemplate.FromJson(200, "{\"access_token\":\"{{secret:access_token}}\",\"instance_url\":\"https://acme.my.salesforce.com\",\"token_type\":\"Bearer\",\"issued_at\":\"1735689600000\"}"))
            .Add(
                RequestPattern.Post().WithForm("grant_type", "client_credentials"),
                ResponseTemplate.FromJson(400, "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}"));
        await using var server = await StartAsync(cassette);
        var settings = new SalesforceOrgSettings
        {
            Name = "Integration",
            LoginUrl = new Uri("https://acme.my.salesforce.com"),
            Flow = SalesforceFlow.ClientCredentials,
            ClientAuthentication = ClientAuthentication.Basic,
            ClientId = SecretReference.Literal(ClientId),
            ClientSecret = SecretReference.Literal("right-secret"),
        };
        using var good = Client(server, settings);
        using var bad = Client(server, settings with { ClientSecret = SecretReference.Literal("wrong-secret") });

        var token = await good.GetTokenAsync();
        var ex = await Assert.ThrowsAsync<SalesforceAuthException>(() => bad.GetTokenAsync().AsTask());

        Assert.Equal(server.Secrets["access_token"], token.AccessToken);
        Assert.Equal("invalid_client", ex.Error);
        Assert.Contains("clientSecret", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", ex.ToString(), StringComparison.Ordinal);
        server.AssertAllMatched();
    }

    [Fact]
    public async Task Client_credentials_on_a_generic_login_host_is_refused_without_a_request()
    {
        await using var server = await StartAsync(new Cassette());
        var settings = new SalesforceOrgSettings
        {
            Name = "Integration",
            LoginUrl = new Uri("https://login.salesforce.com"),
            Flow = SalesforceFlow.ClientCredentials,
            ClientId = SecretReference.Literal(ClientId),
            ClientSecret = SecretReference.Literal("s"),
        };
        using var client = new SalesforceTokenClient(settings, new SalesforceTokenClientOptions { HttpClient = Client(server) });

        var ex = await Assert.ThrowsAsync<SalesforceConfigurationException>(() => client.GetTokenAsync().AsTask());

        Assert.Contains("My Domain", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.UnmatchedRequests);
    }

    [Fact]
    public async Task Web_server_with_PKCE_yields_a_refresh_token_that_later_renewals_use()
    {
        await using var server = await StartAsync(new Cassette(), AuthorizationServerTests.Options());
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = Client(server, WebServer(), time);

        var request = await client.CreateAuthorizationRequestAsync();
        var redirect = await BrowseAsync(server, request.Url);
        var token = await client.ExchangeAuthorizationCodeAsync(request.ReadCode(redirect), request.CodeVerifier);
        time.Advance(TimeSpan.FromHours(2));
        var renewed = await client.GetTokenAsync();

        var grants = server.Authorization!.Grants;
        Assert.Equal(["authorization_code", "refresh_token"], grants.Select(g => g.GrantType));
        Assert.Equal(grants[0].RefreshTokenIssued, token.RefreshToken);
        Assert.Equal(token.RefreshToken, grants[1].RefreshTokenSent);
        Assert.Equal(grants[1].AccessToken, renewed.AccessToken);
    }

    [Fact]
    public async Task Web_server_with_a_mismatched_verifier_fails_with_Salesforces_error()
    {
        await using var server = await StartAsync(new Cassette(), AuthorizationServerTests.Options());
        using var client = Client(server, WebServer());
        var request = await client.CreateAuthorizationRequestAsync();
        var other = await client.CreateAuthorizationRequestAsync();
        var code = request.ReadCode(await BrowseAsync(server, request.Url));

        var ex = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.ExchangeAuthorizationCodeAsync(code, other.CodeVerifier));

        Assert.Equal("invalid_grant", ex.Error);
        Assert.Equal("invalid code verifier", ex.ErrorDescription);
        Assert.DoesNotContain(other.CodeVerifier, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(code, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Web_server_refuses_a_redirect_whose_state_belongs_to_another_login()
    {
        await using var server = await StartAsync(new Cassette(), AuthorizationServerTests.Options());
        using var client = Client(server, WebServer());
        var mine = await client.CreateAuthorizationRequestAsync();
        var theirs = await client.CreateAuthorizationRequestAsync();

        var redirect = await BrowseAsync(server, theirs.Url);

        var ex = Assert.Throws<SalesforceAuthException>(() => mine.ReadCode(redirect));
        Assert.Contains("state does not match", ex.Message, StringComparison.Ordinal);
        Assert.Equal(theirs.State, redirect.Query.Split("state=")[1]);
    }

    [Fact]
    public async Task A_configured_refresh_token_runs_the_refresh_flow_and_revoking_it_ends_it()
    {
        await using var server = await StartAsync(new Cassette(), AuthorizationServerTests.Options());
        string refreshToken;
        using (var login = Client(server, WebServer()))
        {
            var request = await login.CreateAuthorizationRequestAsync();
            refreshToken = (await login.ExchangeAuthorizationCodeAsync(request.ReadCode(await BrowseAsync(server, request.Url)), request.CodeVerifier)).RefreshToken!;
        }

        using var client = Client(server, WebServer(refreshToken));
        var token = await client.GetTokenAsync();
        await client.RevokeAsync();
        var ex = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.GetTokenAsync().AsTask());

        Assert.Equal(refreshToken, server.Authorization!.Grants[1].RefreshTokenSent);
        Assert.Equal(server.Authorization.Grants[1].AccessToken, token.AccessToken);
        Assert.True(server.Authorization.IsRevoked(refreshToken));
        Assert.Equal("expired access/refresh token", ex.ErrorDescription);
        Assert.Contains("log in again", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain(refreshToken, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Introspection_replaces_the_configured_session_lifetime_with_the_servers_expiry()
    {
        await using var server = await StartAsync(
            new Cassette(), AuthorizationServerTests.Options(secret: AuthorizationServerTests.ClientSecret, lifetime: TimeSpan.FromMinutes(30)));
        using var client = Client(server, Jwt() with { ClientSecret = SecretReference.Literal(AuthorizationServerTests.ClientSecret), SessionLifetime = TimeSpan.FromHours(8) });
        var token = await client.GetTokenAsync();

        var result = await client.IntrospectAsync();

        Assert.True(result.Active);
        Assert.Equal("jwt.user@example.com", result.Username);
        Assert.Equal(result.IssuedAt!.Value.AddMinutes(30), result.ExpiresAt);
        Assert.Equal(result.ExpiresAt, client.CurrentToken!.ExpiresAt);
        Assert.NotEqual(token.ExpiresAt, client.CurrentToken.ExpiresAt);
        Assert.Equal(token.AccessToken, client.CurrentToken.AccessToken);
    }
}

public sealed class FlowEndToEndTestsOverSockets : FlowEndToEndTests
{
    protected override bool InMemory => false;
}

public sealed class FlowEndToEndTestsInMemory : FlowEndToEndTests
{
    protected override bool InMemory => true;
}
