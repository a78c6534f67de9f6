using System.Security.Cryptography;
using System.Text;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>The web-server flow with PKCE: the authorization request, reading the redirect, the code exchange and renewals.</summary>
public class WebServerFlowTests
{
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
}
