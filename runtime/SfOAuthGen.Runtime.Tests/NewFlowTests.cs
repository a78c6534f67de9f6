using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>JWT bearer, client credentials and the web-server flow: what each sends, and how the client uses the result.</summary>
public class NewFlowTests
{
    private static readonly RSA Key = RSA.Create(2048);
    private static readonly string PrivatePem = Key.ExportPkcs8PrivateKeyPem();

    private static SalesforceOrgSettings Jwt(string? audience = null) => new()
    {
        Name = TestOrg.Name,
        LoginUrl = new Uri("https://test.salesforce.com"),
        Flow = SalesforceFlow.JwtBearer,
        ClientId = SecretReference.Literal(Secrets.ClientId),
        Username = SecretReference.Literal(Secrets.Username),
        PrivateKey = SecretReference.Literal(PrivatePem),
        Audience = audience,
    };

    private static SalesforceOrgSettings ClientCredentials(string loginUrl = "https://acme.my.salesforce.com", ClientAuthentication auth = ClientAuthentication.Body) => new()
    {
        Name = TestOrg.Name,
        LoginUrl = new Uri(loginUrl),
        Flow = SalesforceFlow.ClientCredentials,
        ClientAuthentication = auth,
        ClientId = SecretReference.Literal(Secrets.ClientId),
        ClientSecret = SecretReference.Literal(Secrets.ClientSecret),
    };

    private static SalesforceOrgSettings WebServer(bool secret = false, SecretReference? refreshToken = null) => new()
    {
        Name = TestOrg.Name,
        LoginUrl = new Uri("https://acme.my.salesforce.com"),
        Flow = SalesforceFlow.WebServer,
        ClientId = SecretReference.Literal(Secrets.ClientId),
        ClientSecret = secret ? SecretReference.Literal(Secrets.ClientSecret) : null,
        RedirectUri = new Uri("http://localhost:1717/OauthRedirect"),
        Scope = "api refresh_token",
        RefreshToken = refreshToken,
    };

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }

    [Fact]
    public async Task Jwt_bearer_sends_only_the_grant_and_an_RS256_assertion_with_the_documented_claims()
    {
        using var harness = new Harness(Jwt());

        await harness.Client.GetTokenAsync();

        var request = harness.Endpoint.Last;
        Assert.Null(request.Authorization);
        Assert.Equal(new[] { "assertion", "grant_type" }, request.FieldNames);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", request.Field("grant_type"));
        var parts = request.Field("assertion")!.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("{\"alg\":\"RS256\"}", Encoding.UTF8.GetString(FromBase64Url(parts[0])));
        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        Assert.Equal(Secrets.ClientId, claims.RootElement.GetProperty("iss").GetString());
        Assert.Equal(Secrets.Username, claims.RootElement.GetProperty("sub").GetString());
        Assert.Equal("https://test.salesforce.com", claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal((harness.Time.GetUtcNow() + TimeSpan.FromMinutes(3)).ToUnixTimeSeconds(), claims.RootElement.GetProperty("exp").GetInt64());
        Assert.True(Key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.DoesNotContain(Secrets.ClientSecret, request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_bearer_audience_comes_from_the_setting_and_not_from_a_login_url_override()
    {
        using var withAudience = new Harness(Jwt("https://login.salesforce.com"));
        await withAudience.Client.GetTokenAsync();
        using (var claims = JsonDocument.Parse(FromBase64Url(withAudience.Endpoint.Last.Field("assertion")!.Split('.')[1])))
        {
            Assert.Equal("https://login.salesforce.com", claims.RootElement.GetProperty("aud").GetString());
        }

        var endpoint = new FakeTokenEndpoint();
        using var overridden = new SalesforceTokenClient(Jwt(), new SalesforceTokenClientOptions
        {
            HttpClient = new HttpClient(endpoint),
            LoginUrl = new Uri("http://127.0.0.1:9/"),
            IsolatedTokenState = true,
        });
        await overridden.GetTokenAsync();
        Assert.Equal("http://127.0.0.1:9/services/oauth2/token", endpoint.Last.Uri!.AbsoluteUri);
        using (var claims = JsonDocument.Parse(FromBase64Url(endpoint.Last.Field("assertion")!.Split('.')[1])))
        {
            Assert.Equal("https://test.salesforce.com", claims.RootElement.GetProperty("aud").GetString());
        }
    }

    [Fact]
    public async Task Jwt_bearer_renews_by_signing_a_new_assertion()
    {
        using var harness = new Harness(Jwt());
        await harness.Client.GetTokenAsync();
        var first = harness.Endpoint.Last.Field("assertion");

        harness.Time.Advance(TimeSpan.FromHours(2));
        await harness.Client.GetTokenAsync();

        Assert.Equal(2, harness.Endpoint.Count);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", harness.Endpoint.Last.Field("grant_type"));
        Assert.NotEqual(first, harness.Endpoint.Last.Field("assertion"));
    }

    [Fact]
    public async Task Jwt_bearer_reads_a_pem_whose_line_breaks_are_escaped()
    {
        using var harness = new Harness(Jwt() with { PrivateKey = SecretReference.Literal(PrivatePem.Replace("\n", "\\n", StringComparison.Ordinal)) });

        await harness.Client.GetTokenAsync();

        Assert.Equal(1, harness.Endpoint.Count);
    }

    [Fact]
    public async Task Jwt_bearer_with_a_key_that_is_not_a_pem_fails_without_quoting_it()
    {
        const string NotAKey = "-----BEGIN PRIVATE KEY-----\nWitnessNotReallyAKeyQQ==\n-----END PRIVATE KEY-----";
        using var harness = new Harness(Jwt() with { PrivateKey = SecretReference.Literal(NotAKey) });

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("privateKey", ex.Field);
        Assert.Contains("PEM RSA private key", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("WitnessNotReallyAKey", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Theory]
    [InlineData("user hasn't approved this consumer", "pre-authorized")]
    [InlineData("Audience validation failed", "audience")]
    public async Task Jwt_bearer_errors_carry_their_hints(string description, string hint)
    {
        using var harness = new Harness(Jwt());
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("invalid_grant", description));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal(SalesforceFlow.JwtBearer, ex.Flow);
        Assert.Equal(description, ex.ErrorDescription);
        Assert.Contains(hint, ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ClientAuthentication.Body)]
    [InlineData(ClientAuthentication.Basic)]
    public async Task Client_credentials_sends_the_grant_with_the_client_credentials_as_configured(ClientAuthentication auth)
    {
        using var harness = new Harness(ClientCredentials(auth: auth) with { Scope = "api" });

        await harness.Client.GetTokenAsync();

        var request = harness.Endpoint.Last;
        Assert.Equal("client_credentials", request.Field("grant_type"));
        Assert.Equal("api", request.Field("scope"));
        if (auth == ClientAuthentication.Basic)
        {
            Assert.Equal(Secrets.ClientId + ":" + Secrets.ClientSecret, request.BasicCredentials);
            Assert.Equal(new[] { "grant_type", "scope" }, request.FieldNames);
        }
        else
        {
            Assert.Null(request.Authorization);
            Assert.Equal(Secrets.ClientSecret, request.Field("client_secret"));
            Assert.Equal(Secrets.ClientId, request.Field("client_id"));
        }
    }

    [Theory]
    [InlineData("https://login.salesforce.com")]
    [InlineData("https://TEST.salesforce.com/")]
    public async Task Client_credentials_refuses_the_generic_login_hosts_before_any_request(string loginUrl)
    {
        using var harness = new Harness(ClientCredentials(loginUrl));

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("loginUrl", ex.Field);
        Assert.Contains("My Domain", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Fact]
    public async Task The_authorization_request_carries_an_S256_challenge_of_its_verifier_and_a_fresh_state()
    {
        using var harness = new Harness(WebServer());

        var request = await harness.Client.CreateAuthorizationRequestAsync();
        var again = await harness.Client.CreateAuthorizationRequestAsync();

        var query = FakeTokenEndpoint.DecodeForm(request.Url.Query.TrimStart('?')).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("https://acme.my.salesforce.com/services/oauth2/authorize", request.Url.GetLeftPart(UriPartial.Path));
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(Secrets.ClientId, query["client_id"]);
        Assert.Equal("http://localhost:1717/OauthRedirect", query["redirect_uri"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal("api refresh_token", query["scope"]);
        Assert.Equal(request.State, query["state"]);
        var expected = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(request.CodeVerifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expected, query["code_challenge"]);
        Assert.InRange(request.CodeVerifier.Length, 43, 128);
        Assert.DoesNotContain(request.CodeVerifier, request.Url.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain(request.CodeVerifier, request.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(request.CodeVerifier, again.CodeVerifier);
        Assert.NotEqual(request.State, again.State);
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Fact]
    public async Task Reading_the_redirect_checks_state_and_maps_errors()
    {
        using var harness = new Harness(WebServer());
        var request = await harness.Client.CreateAuthorizationRequestAsync();

        Assert.Equal("aPrx.code/+", request.ReadCode(new Uri($"/OauthRedirect?code=aPrx.code%2F%2B&state={Uri.EscapeDataString(request.State)}", UriKind.Relative)));
        var forged = Assert.Throws<SalesforceAuthException>(() => request.ReadCode(new Uri("http://localhost:1717/OauthRedirect?code=x&state=forged")));
        Assert.Contains("state", forged.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<SalesforceAuthException>(() => request.ReadCode(new Uri("http://localhost:1717/OauthRedirect?code=x")));
        Assert.Contains("state", missing.Message, StringComparison.Ordinal);
        var denied = Assert.Throws<SalesforceAuthException>(() => request.ReadCode(new Uri("http://localhost:1717/OauthRedirect?error=access_denied&error_description=end-user+denied+authorization&state=" + request.State)));
        Assert.Equal("access_denied", denied.Error);
        Assert.Equal("end-user denied authorization", denied.ErrorDescription);
        Assert.Throws<SalesforceAuthException>(() => request.ReadCode(new Uri("/OauthRedirect?state=" + Uri.EscapeDataString(request.State), UriKind.Relative)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Exchanging_a_code_sends_the_verifier_and_installs_the_refresh_token_for_renewals(bool confidential)
    {
        using var harness = new Harness(WebServer(confidential));
        harness.Endpoint.Respond = (r, _) => Task.FromResult(r.Field("grant_type") == "authorization_code"
            ? Responses.Success(refreshToken: Secrets.RefreshToken)
            : Responses.Success(Secrets.AccessToken2));
        var request = await harness.Client.CreateAuthorizationRequestAsync();

        var token = await harness.Client.ExchangeAuthorizationCodeAsync("aPrxTheCode", request.CodeVerifier);

        var exchange = harness.Endpoint.Last;
        Assert.Equal("authorization_code", exchange.Field("grant_type"));
        Assert.Equal("aPrxTheCode", exchange.Field("code"));
        Assert.Equal(request.CodeVerifier, exchange.Field("code_verifier"));
        Assert.Equal("http://localhost:1717/OauthRedirect", exchange.Field("redirect_uri"));
        Assert.Equal(Secrets.ClientId, exchange.Field("client_id"));
        Assert.Equal(confidential ? Secrets.ClientSecret : null, exchange.Field("client_secret"));
        Assert.Equal(Secrets.RefreshToken, token.RefreshToken);
        Assert.Same(token, await harness.Client.GetTokenAsync());

        harness.Time.Advance(TimeSpan.FromHours(2));
        var renewed = await harness.Client.GetTokenAsync();

        Assert.Equal(Secrets.AccessToken2, renewed.AccessToken);
        Assert.Equal("refresh_token", harness.Endpoint.Last.Field("grant_type"));
        Assert.Equal(Secrets.RefreshToken, harness.Endpoint.Last.Field("refresh_token"));
    }

    [Fact]
    public async Task A_web_server_org_without_a_refresh_token_says_to_log_in()
    {
        using var harness = new Harness(WebServer());

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("refreshToken", ex.Field);
        Assert.Contains("sfauth login Witness", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Fact]
    public async Task A_web_server_org_with_a_configured_refresh_token_renews_with_it()
    {
        using var harness = new Harness(WebServer(refreshToken: SecretReference.Literal(Secrets.RefreshToken)));

        await harness.Client.GetTokenAsync();

        Assert.Equal("refresh_token", harness.Endpoint.Last.Field("grant_type"));
        Assert.Equal(Secrets.RefreshToken, harness.Endpoint.Last.Field("refresh_token"));
    }

    [Fact]
    public async Task A_rejected_code_gets_the_web_server_hint()
    {
        using var harness = new Harness(WebServer());
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("invalid_grant", "invalid code verifier"));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.ExchangeAuthorizationCodeAsync("aPrxCode", "verifier-of-another-login"));

        Assert.Equal(SalesforceFlow.WebServer, ex.Flow);
        Assert.Equal("invalid code verifier", ex.ErrorDescription);
        Assert.Contains("code_verifier", ex.Hint, StringComparison.Ordinal);
        Assert.Null(harness.Client.CurrentToken);
    }

    [Fact]
    public async Task Revoke_sends_the_held_refresh_token_and_forgets_the_tokens()
    {
        using var harness = new Harness(TestOrg.Refresh());
        harness.Endpoint.Respond = (r, _) => Task.FromResult(r.Uri!.AbsolutePath == "/services/oauth2/revoke"
            ? new HttpResponseMessage(HttpStatusCode.OK)
            : Responses.Success(refreshToken: Secrets.RotatedRefreshToken));
        await harness.Client.GetTokenAsync();

        await harness.Client.RevokeAsync();

        var revoke = harness.Endpoint.Last;
        Assert.Equal("https://test.salesforce.com/services/oauth2/revoke", revoke.Uri!.AbsoluteUri);
        Assert.Equal(new[] { "token" }, revoke.FieldNames);
        Assert.Equal(Secrets.RotatedRefreshToken, revoke.Field("token"));
        Assert.Null(harness.Client.CurrentToken);
    }

    [Fact]
    public async Task Revoke_maps_Salesforce_errors()
    {
        using var harness = new Harness(TestOrg.Refresh());
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("invalid_token", "invalid token"));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.RevokeAsync(Secrets.AccessToken2));

        Assert.Equal("invalid_token", ex.Error);
        Assert.False(ex.IsTransient);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
    }

    [Fact]
    public async Task Introspection_replaces_the_configured_lifetime_with_the_real_expiry()
    {
        using var harness = new Harness(ClientCredentials(auth: ClientAuthentication.Basic));
        var expires = harness.Time.GetUtcNow().AddMinutes(30);
        harness.Endpoint.Respond = (r, _) => Task.FromResult(r.Uri!.AbsolutePath == "/services/oauth2/introspect"
            ? Responses.Json(HttpStatusCode.OK, new Dictionary<string, object>
            {
                ["active"] = true, ["exp"] = expires.ToUnixTimeSeconds(), ["iat"] = harness.Time.GetUtcNow().ToUnixTimeSeconds(),
                ["client_id"] = Secrets.ClientId, ["username"] = Secrets.Username, ["token_type"] = "access_token", ["scope"] = "api",
            })
            : Responses.Success());
        var before = await harness.Client.GetTokenAsync();

        var result = await harness.Client.IntrospectAsync();

        var introspect = harness.Endpoint.Last;
        Assert.Equal(Secrets.AccessToken, introspect.Field("token"));
        Assert.Equal("access_token", introspect.Field("token_type_hint"));
        Assert.Equal(Secrets.ClientId + ":" + Secrets.ClientSecret, introspect.BasicCredentials);
        Assert.True(result.Active);
        Assert.Equal(expires.ToUnixTimeSeconds(), result.ExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(Secrets.Username, result.Username);
        Assert.NotEqual(before.ExpiresAt, harness.Client.CurrentToken!.ExpiresAt);
        Assert.Equal(expires.ToUnixTimeSeconds(), harness.Client.CurrentToken!.ExpiresAt.ToUnixTimeSeconds());

        // 30 minutes less the 5-minute margin: renewed after 25 minutes, not after the configured 2 hours.
        harness.Time.Advance(TimeSpan.FromMinutes(26));
        await harness.Client.GetTokenAsync();
        Assert.Equal("client_credentials", harness.Endpoint.Last.Field("grant_type"));
    }

    [Fact]
    public async Task An_inactive_introspection_changes_nothing()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (r, _) => Task.FromResult(r.Uri!.AbsolutePath == "/services/oauth2/introspect"
            ? Responses.Json(HttpStatusCode.OK, "{\"active\":false}")
            : Responses.Success());
        var token = await harness.Client.GetTokenAsync();

        var result = await harness.Client.IntrospectAsync();

        Assert.False(result.Active);
        Assert.Null(result.ExpiresAt);
        Assert.Same(token, harness.Client.CurrentToken);
    }
}
