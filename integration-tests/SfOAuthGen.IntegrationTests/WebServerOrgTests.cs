using System.Net;
using System.Web;
using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.IntegrationTests.Infrastructure;
using SfOAuthGen.Runtime;
using SfOAuthGen.Samples.Integration;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests;

/// <summary>
/// The web_server org (Dev) of this project's sfauth.json through its generated class, against the recorded-response
/// server's built-in authorization endpoint: browser login with PKCE, mismatched verifier or state, a missing refresh
/// token, and the stored refresh token used, introspected and revoked. Every test ends by searching everything printed
/// for secrets.
/// </summary>
public class WebServerOrgTests : GeneratedOrgFlowTests
{
    [Fact]
    public async Task Web_server_org_logs_in_through_the_browser_then_renews_through_the_refresh_flow()
    {
        await using var server = await Secrets.StartServerAsync(Transcript);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = DevOrg.CreateClient(Secrets.Options(server, Transcript, clock));

        var request = await client.CreateAuthorizationRequestAsync();
        var query = HttpUtility.ParseQueryString(request.Url.Query);
        var redirect = await BrowseAsync(request.Url);
        var code = request.ReadCode(redirect);
        var token = await client.ExchangeAuthorizationCodeAsync(code, request.CodeVerifier);
        clock.Advance(DevOrg.Settings.SessionLifetime);
        var renewed = await client.GetTokenAsync();
        Secrets.Remember("code", code);
        Secrets.Remember("code verifier", request.CodeVerifier);

        // The authorize URL, built from the generated settings, on the server standing in for the login host.
        Assert.Equal(new Uri(server.BaseUri, "/services/oauth2/authorize"), new Uri(request.Url.GetLeftPart(UriPartial.Path)));
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(Credentials.ClientId, query["client_id"]);
        Assert.Equal(DevOrg.Settings.RedirectUri!.AbsoluteUri, query["redirect_uri"]);
        Assert.Equal(DevOrg.Settings.Scope, query["scope"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(request.CodeChallenge, query["code_challenge"]);
        Assert.Equal(request.State, query["state"]);
        Assert.Equal(DevOrg.Settings.RedirectUri.AbsoluteUri, redirect.GetLeftPart(UriPartial.Path));

        var grants = server.Authorization!.Grants;
        Assert.Equal(["authorization_code", "refresh_token"], grants.Select(g => g.GrantType));
        Assert.Equal(grants[0].AccessToken, token.AccessToken);
        Assert.Equal(grants[0].RefreshTokenIssued, token.RefreshToken);
        Assert.Equal(token.RefreshToken, grants[1].RefreshTokenSent);
        Assert.Equal(grants[1].AccessToken, renewed.AccessToken);
        Assert.Equal("api refresh_token", renewed.Scope);
        Assert.Empty(server.Authorization.Rejections);
        Transcript.Add(request.ToString());
        Transcript.Add(token.ToString());
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Web_server_exchange_with_another_logins_verifier_fails_with_the_servers_error_and_spends_the_code()
    {
        await using var server = await Secrets.StartServerAsync(Transcript);
        using var client = DevOrg.CreateClient(Secrets.Options(server, Transcript));
        var request = await client.CreateAuthorizationRequestAsync();
        var other = await client.CreateAuthorizationRequestAsync();
        var code = request.ReadCode(await BrowseAsync(request.Url));
        Secrets.Remember("code", code);
        Secrets.Remember("code verifier", request.CodeVerifier);
        Secrets.Remember("other code verifier", other.CodeVerifier);

        var wrong = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.ExchangeAuthorizationCodeAsync(code, other.CodeVerifier));
        var retry = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.ExchangeAuthorizationCodeAsync(code, request.CodeVerifier));

        Assert.Equal("invalid_grant", wrong.Error);
        Assert.Equal("invalid code verifier", wrong.ErrorDescription);
        Assert.Contains("run the login again", wrong.Hint, StringComparison.Ordinal);
        Assert.False(wrong.IsTransient);
        Assert.Equal("invalid authorization code", retry.ErrorDescription); // codes are single-use, even after a failure
        Assert.Empty(server.Authorization!.Grants);
        Assert.Null(client.CurrentToken);
        Transcript.Add(wrong);
        Transcript.Add(retry);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Web_server_redirect_carrying_another_logins_state_is_rejected_before_any_exchange()
    {
        await using var server = await Secrets.StartServerAsync(Transcript);
        using var client = DevOrg.CreateClient(Secrets.Options(server, Transcript));
        var mine = await client.CreateAuthorizationRequestAsync();
        var theirs = await client.CreateAuthorizationRequestAsync();

        var redirect = await BrowseAsync(theirs.Url);
        var exception = Assert.Throws<SalesforceAuthException>(() => mine.ReadCode(redirect));

        Assert.Equal(theirs.State, HttpUtility.ParseQueryString(redirect.Query)["state"]);
        Assert.Contains("state does not match", exception.Message, StringComparison.Ordinal);
        Assert.Equal(SalesforceFlow.WebServer, exception.Flow);
        Assert.False(string.IsNullOrWhiteSpace(exception.Hint));
        Assert.Equal(0, TokenRequests());
        Secrets.Remember("code", HttpUtility.ParseQueryString(redirect.Query)["code"]);
        Transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Web_server_org_with_no_stored_refresh_token_names_the_missing_reference_without_a_request()
    {
        await using var server = await Secrets.StartServerAsync(Transcript);
        using var client = DevOrg.CreateClient(Secrets.Options(server, Transcript));

        var exception = await Assert.ThrowsAsync<SalesforceConfigurationException>(async () => await client.GetTokenAsync());

        Assert.Equal("refreshToken", exception.Field);
        Assert.Contains("SF_DEV_REFRESH_TOKEN", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, TokenRequests());
        Transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Web_server_refresh_token_stored_after_login_is_used_introspected_and_revoked_through_a_new_generated_client()
    {
        await using var server = await Secrets.StartServerAsync(Transcript, sessionLifetime: TimeSpan.FromMinutes(30));
        string refreshToken;
        using (var login = DevOrg.CreateClient(Secrets.Options(server, Transcript)))
        {
            var request = await login.CreateAuthorizationRequestAsync();
            var token = await login.ExchangeAuthorizationCodeAsync(request.ReadCode(await BrowseAsync(request.Url)), request.CodeVerifier);
            refreshToken = token.RefreshToken!;
            Secrets.Set("SF_DEV_REFRESH_TOKEN", refreshToken); // where the org's refreshToken reference points, as `sfauth login` stores it
        }

        using var client = DevOrg.CreateClient(Secrets.Options(server, Transcript));
        var current = await client.GetTokenAsync();
        var introspection = await client.IntrospectAsync();
        var afterIntrospection = client.CurrentToken!;
        await client.RevokeAsync();
        var afterRevoke = client.CurrentToken;
        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync());

        var grants = server.Authorization!.Grants;
        Assert.Equal(["authorization_code", "refresh_token"], grants.Select(g => g.GrantType));
        Assert.Equal(refreshToken, grants[1].RefreshTokenSent);
        Assert.Equal(grants[1].AccessToken, current.AccessToken);

        Assert.True(introspection.Active);
        Assert.Equal(Credentials.Username, introspection.Username);
        Assert.Equal(Credentials.ClientId, introspection.ClientId);
        Assert.Equal(introspection.IssuedAt!.Value.AddMinutes(30), introspection.ExpiresAt);
        Assert.Equal(introspection.ExpiresAt, afterIntrospection.ExpiresAt); // the server's expiry replaced the configured 2 h
        Assert.NotEqual(current.ExpiresAt, afterIntrospection.ExpiresAt);
        Assert.Equal(current.AccessToken, afterIntrospection.AccessToken);

        Assert.True(server.Authorization.IsRevoked(refreshToken));
        Assert.True(server.Authorization.IsRevoked(current.AccessToken)); // revoking the refresh token ends its access tokens
        Assert.Null(afterRevoke);
        Assert.Equal("invalid_grant", exception.Error);
        Assert.Equal("expired access/refresh token", exception.ErrorDescription);
        Assert.Contains("log in again", exception.Hint, StringComparison.Ordinal);
        Transcript.Add(introspection.ToString()!);
        Transcript.Add(exception);
        AssertNoSecret(server);
    }

    /// <summary>Plays the browser: opens the authorize URL and returns where the 302 sends it (never followed).</summary>
    private static async Task<Uri> BrowseAsync(Uri authorizeUrl)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false });
        using var response = await browser.GetAsync(authorizeUrl).WaitAsync(HangGuard);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return response.Headers.Location!;
    }
}
