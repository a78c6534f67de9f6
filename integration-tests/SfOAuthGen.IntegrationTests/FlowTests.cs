using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.IntegrationTests.Infrastructure;
using SfOAuthGen.Runtime;
using SfOAuthGen.Samples.Integration;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests;

/// <summary>
/// The jwt_bearer (Ci), client_credentials (Integration) and web_server (Dev) orgs of this project's sfauth.json, through
/// their generated classes, against the recorded-response server's built-in OAuth behaviours (and a cassette where the
/// server has none): success and the documented errors. Every test ends by searching everything printed for secrets.
/// </summary>
public class FlowTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly Credentials credentials = Credentials.Create();
    private readonly Transcript transcript = new();
    private readonly FlowSecrets secrets;

    public FlowTests()
    {
        secrets = new FlowSecrets(credentials);
    }

    // ---- jwt_bearer -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Jwt_bearer_org_gets_a_token_the_server_verified_and_renews_by_signing_a_new_assertion()
    {
        await using var server = await secrets.StartServerAsync(transcript);
        using var client = CiOrg.CreateClient(secrets.Options(server, transcript));

        var token = await client.GetTokenAsync();
        var cached = await client.GetTokenAsync();
        var renewed = await client.RefreshAsync();

        var grants = server.Authorization!.Grants;
        Assert.Equal(2, grants.Count);
        Assert.All(grants, g => Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", g.GrantType));
        Assert.All(grants, g => Assert.Equal(credentials.Username, g.Subject)); // sub from the env: reference, signature checked
        Assert.Equal(grants[0].AccessToken, token.AccessToken);
        Assert.Same(token, cached);
        Assert.Equal(grants[1].AccessToken, renewed.AccessToken);
        Assert.NotEqual(token.AccessToken, renewed.AccessToken);
        Assert.Null(token.RefreshToken);
        Assert.Null(renewed.RefreshToken);
        Assert.Equal(server.BaseUri.Authority, token.InstanceUrl.Authority);
        Assert.Empty(server.Authorization.Rejections);
        Assert.Empty(server.UnmatchedRequests);
        transcript.Add(token.ToString());
        transcript.Add(renewed.ToString());
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_for_a_user_who_is_not_pre_authorised_fails_with_the_pre_authorisation_hint()
    {
        await using var server = await secrets.StartServerAsync(transcript, approvedUsers: ["someone.else@example.com"]);
        using var client = CiOrg.CreateClient(secrets.Options(server, transcript));

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_grant", exception.Error);
        Assert.Equal("user hasn't approved this consumer", exception.ErrorDescription);
        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.False(exception.IsTransient);
        Assert.Contains("pre-authorized", exception.Hint, StringComparison.Ordinal);
        Assert.Equal(SalesforceFlow.JwtBearer, exception.Flow);
        Assert.Equal("Ci", exception.OrgName);
        Assert.Contains("not pre-authorised", Assert.Single(server.Authorization!.Rejections), StringComparison.Ordinal);
        Assert.Empty(server.Authorization.Grants);
        transcript.Add(exception);
        AssertNoSecret(server);
    }

    public static TheoryData<int, string> SkewedClocks => new()
    {
        { -10, "assertion expired" },                  // exp (client's now + 3 min) is already past on the server's clock
        { +10, "exp is more than 5 minutes ahead" },   // exp is further ahead than Salesforce allows
    };

    [Theory]
    [MemberData(nameof(SkewedClocks))]
    public async Task Jwt_bearer_assertion_from_a_skewed_client_clock_is_refused_with_the_clock_hint(int minutes, string reason)
    {
        await using var server = await secrets.StartServerAsync(transcript);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(minutes));
        using var client = CiOrg.CreateClient(secrets.Options(server, transcript, clock));

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_grant", exception.Error);
        Assert.False(exception.IsTransient);
        Assert.Contains("clock", exception.Hint, StringComparison.Ordinal);
        Assert.Contains(reason, Assert.Single(server.Authorization!.Rejections), StringComparison.Ordinal);
        Assert.Empty(server.Authorization.Grants);
        transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_assertion_signed_with_a_key_the_app_does_not_know_is_refused_and_neither_key_leaks()
    {
        secrets.Set("SF_CI_PRIVATE_KEY", FlowSecrets.StrangerPrivateKeyPem);
        await using var server = await secrets.StartServerAsync(transcript);
        using var client = CiOrg.CreateClient(secrets.Options(server, transcript));

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_grant", exception.Error);
        Assert.Equal("invalid assertion", exception.ErrorDescription);
        Assert.Contains("privateKey", exception.Hint, StringComparison.Ordinal);
        Assert.Contains("signature does not verify", Assert.Single(server.Authorization!.Rejections), StringComparison.Ordinal);
        Assert.Empty(server.Authorization.Grants);
        transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_key_that_does_not_parse_is_a_configuration_error_on_privateKey_before_any_request()
    {
        var pem = FlowSecrets.PrivateKeyPem;
        var damaged = pem[..(pem.Length / 2)] + "\n-----END PRIVATE KEY-----\n"; // cut in half, as a bad copy-paste does
        secrets.Set("SF_CI_PRIVATE_KEY", damaged);
        await using var server = await secrets.StartServerAsync(transcript);
        using var client = CiOrg.CreateClient(secrets.Options(server, transcript));

        var exception = await Assert.ThrowsAsync<SalesforceConfigurationException>(async () => await client.GetTokenAsync());

        Assert.Equal("privateKey", exception.Field);
        Assert.Equal("Ci", exception.OrgName);
        Assert.Equal(0, TokenRequests());
        transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_key_with_line_breaks_written_as_backslash_n_as_CI_variables_hold_it_is_accepted()
    {
        secrets.Set("SF_CI_PRIVATE_KEY", FlowSecrets.PrivateKeyPem.Replace("\n", "\\n", StringComparison.Ordinal));
        await using var server = await secrets.StartServerAsync(transcript);
        using var client = CiOrg.CreateClient(secrets.Options(server, transcript));

        var token = await client.GetTokenAsync();

        Assert.Equal(Assert.Single(server.Authorization!.Grants).AccessToken, token.AccessToken);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_access_token_revoked_through_the_generated_client_is_dropped_and_the_next_call_signs_anew()
    {
        await using var server = await secrets.StartServerAsync(transcript);
        using var client = CiOrg.CreateClient(secrets.Options(server, transcript));
        var token = await client.GetTokenAsync();

        await client.RevokeAsync(); // no refresh token in this flow: the cached access token is what gets revoked
        var revokedCurrent = client.CurrentToken;
        var next = await client.GetTokenAsync();
        var again = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.RevokeAsync(token.AccessToken));

        Assert.True(server.Authorization!.IsRevoked(token.AccessToken));
        Assert.Null(revokedCurrent);
        Assert.Equal(2, server.Authorization.Grants.Count);
        Assert.Equal(server.Authorization.Grants[1].AccessToken, next.AccessToken);
        Assert.False(server.Authorization.IsRevoked(next.AccessToken));
        Assert.Equal("invalid_token", again.Error); // revoking twice: Salesforce's answer for a dead token
        Assert.False(string.IsNullOrWhiteSpace(again.Hint));
        transcript.Add(again);
        AssertNoSecret(server);
    }

    // ---- client_credentials -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Client_credentials_org_gets_a_token_with_Basic_authentication_and_asks_again_to_renew()
    {
        var cassette = new Cassette().Add(ClientCredentialsSuccess("access_token")).Add(ClientCredentialsSuccess("access_token_2"));
        await using var server = await secrets.StartServerAsync(transcript, cassette);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var wire = new RequestCapture();
        using var http = new HttpClient(wire);
        using var client = IntegrationOrg.CreateClient(secrets.Options(server, transcript, clock, http));

        var token = await client.GetTokenAsync();
        clock.Advance(IntegrationOrg.Settings.SessionLifetime);
        var renewed = await client.GetTokenAsync();

        Assert.Equal(server.Secrets["access_token"], token.AccessToken);
        Assert.Equal(server.Secrets["access_token_2"], renewed.AccessToken);
        Assert.Equal("api", token.Scope);
        Assert.Null(token.RefreshToken);
        Assert.NotNull(token.Signature); // verified against the client secret, or GetTokenAsync would have thrown
        Assert.Equal(["Basic", "Basic"], wire.AuthorizationSchemes);   // "clientAuth": "basic" in the manifest
        Assert.All(wire.Forms, f => Assert.False(f.ContainsKey("client_secret")));
        Assert.All(wire.Forms, f => Assert.Equal("client_credentials", f["grant_type"]));
        server.AssertAllMatched(); // client id and secret pinned to this test's values, from the Basic header
        server.AssertAllUsed();
        transcript.Add(token.ToString());
        AssertNoSecret(server);
    }

    public static TheoryData<string> GenericLoginHosts => ["https://login.salesforce.com", "https://test.salesforce.com"];

    [Theory]
    [MemberData(nameof(GenericLoginHosts))]
    public async Task Client_credentials_org_on_a_generic_login_host_is_refused_before_any_request(string loginUrl)
    {
        var settings = IntegrationOrg.Settings with { LoginUrl = new Uri(loginUrl) };
        using var network = new NoNetwork();
        using var http = new HttpClient(network);
        using var client = new SalesforceTokenClient(settings, new SalesforceTokenClientOptions { HttpClient = http, SecretResolver = secrets });

        var exception = await Assert.ThrowsAsync<SalesforceConfigurationException>(async () => await client.GetTokenAsync());

        Assert.Equal("loginUrl", exception.Field);
        Assert.Equal("Integration", exception.OrgName);
        Assert.Contains("My Domain", exception.Message, StringComparison.Ordinal);
        Assert.Contains(new Uri(loginUrl).Host, exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, network.Requests);
        transcript.Add(exception);
        transcript.AssertNoSecret(credentials, secrets.HeldAndIssued());
    }

    [Fact]
    public async Task Client_credentials_with_a_wrong_secret_gets_invalid_client_and_the_client_secret_hint()
    {
        var cassette = new Cassette()
            .Add(ClientCredentialsSuccess("access_token"))
            .Add(new Interaction(
                RequestPattern.Post().WithForm("grant_type", "client_credentials"),
                ResponseTemplate.FromJson(400, "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}")).Repeating());
        secrets.Set("SF_INT_CLIENT_SECRET", "wrong+" + Guid.NewGuid().ToString("N") + "/=");
        await using var server = await secrets.StartServerAsync(transcript, cassette);
        using var client = IntegrationOrg.CreateClient(secrets.Options(server, transcript));

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_client", exception.Error);
        Assert.Equal("invalid client credentials", exception.ErrorDescription);
        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.False(exception.IsTransient);
        Assert.Contains("clientSecret", exception.Hint, StringComparison.Ordinal);
        Assert.Equal(1, TokenRequests());
        Assert.Equal(["'client credentials success (access_token)' (POST /services/oauth2/token)"], server.UnusedInteractions.Select(i => i.ToString()));
        transcript.Add(exception);
        AssertNoSecret(server);
    }

    // ---- web_server -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Web_server_org_logs_in_through_the_browser_then_renews_through_the_refresh_flow()
    {
        await using var server = await secrets.StartServerAsync(transcript);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = DevOrg.CreateClient(secrets.Options(server, transcript, clock));

        var request = await client.CreateAuthorizationRequestAsync();
        var query = HttpUtility.ParseQueryString(request.Url.Query);
        var redirect = await BrowseAsync(request.Url);
        var code = request.ReadCode(redirect);
        var token = await client.ExchangeAuthorizationCodeAsync(code, request.CodeVerifier);
        clock.Advance(DevOrg.Settings.SessionLifetime);
        var renewed = await client.GetTokenAsync();
        secrets.Remember("code", code);
        secrets.Remember("code verifier", request.CodeVerifier);

        // The authorize URL, built from the generated settings, on the server standing in for the login host.
        Assert.Equal(new Uri(server.BaseUri, "/services/oauth2/authorize"), new Uri(request.Url.GetLeftPart(UriPartial.Path)));
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(credentials.ClientId, query["client_id"]);
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
        transcript.Add(request.ToString());
        transcript.Add(token.ToString());
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Web_server_exchange_with_another_logins_verifier_fails_with_the_servers_error_and_spends_the_code()
    {
        await using var server = await secrets.StartServerAsync(transcript);
        using var client = DevOrg.CreateClient(secrets.Options(server, transcript));
        var request = await client.CreateAuthorizationRequestAsync();
        var other = await client.CreateAuthorizationRequestAsync();
        var code = request.ReadCode(await BrowseAsync(request.Url));
        secrets.Remember("code", code);
        secrets.Remember("code verifier", request.CodeVerifier);
        secrets.Remember("other code verifier", other.CodeVerifier);

        var wrong = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.ExchangeAuthorizationCodeAsync(code, other.CodeVerifier));
        var retry = await Assert.ThrowsAsync<SalesforceAuthException>(() => client.ExchangeAuthorizationCodeAsync(code, request.CodeVerifier));

        Assert.Equal("invalid_grant", wrong.Error);
        Assert.Equal("invalid code verifier", wrong.ErrorDescription);
        Assert.Contains("run the login again", wrong.Hint, StringComparison.Ordinal);
        Assert.False(wrong.IsTransient);
        Assert.Equal("invalid authorization code", retry.ErrorDescription); // codes are single-use, even after a failure
        Assert.Empty(server.Authorization!.Grants);
        Assert.Null(client.CurrentToken);
        transcript.Add(wrong);
        transcript.Add(retry);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Web_server_redirect_carrying_another_logins_state_is_rejected_before_any_exchange()
    {
        await using var server = await secrets.StartServerAsync(transcript);
        using var client = DevOrg.CreateClient(secrets.Options(server, transcript));
        var mine = await client.CreateAuthorizationRequestAsync();
        var theirs = await client.CreateAuthorizationRequestAsync();

        var redirect = await BrowseAsync(theirs.Url);
        var exception = Assert.Throws<SalesforceAuthException>(() => mine.ReadCode(redirect));

        Assert.Equal(theirs.State, HttpUtility.ParseQueryString(redirect.Query)["state"]);
        Assert.Contains("state does not match", exception.Message, StringComparison.Ordinal);
        Assert.Equal(SalesforceFlow.WebServer, exception.Flow);
        Assert.False(string.IsNullOrWhiteSpace(exception.Hint));
        Assert.Equal(0, TokenRequests());
        secrets.Remember("code", HttpUtility.ParseQueryString(redirect.Query)["code"]);
        transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Web_server_org_with_no_stored_refresh_token_names_the_missing_reference_without_a_request()
    {
        await using var server = await secrets.StartServerAsync(transcript);
        using var client = DevOrg.CreateClient(secrets.Options(server, transcript));

        var exception = await Assert.ThrowsAsync<SalesforceConfigurationException>(async () => await client.GetTokenAsync());

        Assert.Equal("refreshToken", exception.Field);
        Assert.Contains("SF_DEV_REFRESH_TOKEN", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, TokenRequests());
        transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Web_server_refresh_token_stored_after_login_is_used_introspected_and_revoked_through_a_new_generated_client()
    {
        await using var server = await secrets.StartServerAsync(transcript, sessionLifetime: TimeSpan.FromMinutes(30));
        string refreshToken;
        using (var login = DevOrg.CreateClient(secrets.Options(server, transcript)))
        {
            var request = await login.CreateAuthorizationRequestAsync();
            var token = await login.ExchangeAuthorizationCodeAsync(request.ReadCode(await BrowseAsync(request.Url)), request.CodeVerifier);
            refreshToken = token.RefreshToken!;
            secrets.Set("SF_DEV_REFRESH_TOKEN", refreshToken); // where the org's refreshToken reference points, as `sfauth login` stores it
        }

        using var client = DevOrg.CreateClient(secrets.Options(server, transcript));
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
        Assert.Equal(credentials.Username, introspection.Username);
        Assert.Equal(credentials.ClientId, introspection.ClientId);
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
        transcript.Add(introspection.ToString()!);
        transcript.Add(exception);
        AssertNoSecret(server);
    }

    // ---- the QuickStart's calls, unchanged, on a jwt_bearer org -----------------------------------------------------

    [Fact]
    public async Task QuickStart_calls_work_unchanged_on_the_jwt_bearer_org()
    {
        var cassette = new Cassette().Add(
            LoopbackSalesforce.Data("GET", $"/services/data/v{CiOrg.Settings.ApiVersion}/limits", "ci_access_token"),
            ResponseTemplate.FromJson(200, "{\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":14998}}"));
        await using var server = await secrets.StartServerAsync(transcript, cassette);

        // The QuickStart's sequence: Configure, GetTokenAsync, RefreshAsync, then a data-API call with the token.
        CiOrg.Configure(secrets.Options(server, transcript));
        var token = await CiOrg.GetTokenAsync();
        var refreshed = await CiOrg.RefreshAsync();
        server.Secrets["ci_access_token"] = refreshed.AccessToken; // the limits call answers only the latest token
        using var api = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var call = new HttpRequestMessage(HttpMethod.Get, new Uri(refreshed.InstanceUrl, $"/services/data/v{CiOrg.Settings.ApiVersion}/limits"));
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.AccessToken);
        using var response = await api.SendAsync(call).WaitAsync(HangGuard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("DailyApiRequests", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(token.AccessToken, refreshed.AccessToken);
        Assert.Equal(2, server.Authorization!.Grants.Count);
        server.AssertAllMatched();
        server.AssertAllUsed();
        AssertNoSecret(server);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static Interaction ClientCredentialsSuccess(string accessToken) => new Interaction(
        RequestPattern.Post()
            .WithForm("grant_type", "client_credentials")
            .WithForm("scope", "api")
            .WithForm("client_id", "{{secret:client_id}}")
            .WithForm("client_secret", "{{secret:client_secret}}"),
        ResponseTemplate.FromJson(200, new JsonObject
        {
            ["access_token"] = "{{secret:" + accessToken + "}}",
            ["id"] = "https://contoso.my.salesforce.com/id/00DFAKE00000001/005FAKE00000001",
            ["instance_url"] = "https://contoso.my.salesforce.com",
            ["issued_at"] = "1735689600000",
            ["scope"] = "api",
            ["signature"] = "{{signature}}",
            ["token_type"] = "Bearer",
        })).Named("client credentials success (" + accessToken + ")");

    /// <summary>Plays the browser: opens the authorize URL and returns where the 302 sends it (never followed).</summary>
    private static async Task<Uri> BrowseAsync(Uri authorizeUrl)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false });
        using var response = await browser.GetAsync(authorizeUrl).WaitAsync(HangGuard);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return response.Headers.Location!;
    }

    /// <summary>Token-endpoint requests the server logged (built-in or cassette).</summary>
    private int TokenRequests() => transcript.Lines.Count(l => l.StartsWith("server: POST " + RequestPattern.TokenPath, StringComparison.Ordinal));

    private void AssertNoSecret(RecordedResponseServer server) => transcript.AssertNoSecret(credentials, secrets.HeldAndIssued(server));

    /// <summary>Records each request's Authorization scheme and form fields, then sends it.</summary>
    private sealed class RequestCapture() : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
    {
        private readonly List<(string? Scheme, Dictionary<string, string> Form)> seen = [];

        public string[] AuthorizationSchemes
        {
            get
            {
                lock (seen)
                {
                    return seen.Select(s => s.Scheme ?? "(none)").ToArray();
                }
            }
        }

        public Dictionary<string, string>[] Forms
        {
            get
            {
                lock (seen)
                {
                    return seen.Select(s => s.Form).ToArray();
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var form = HttpUtility.ParseQueryString(body);
            var fields = form.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => form[k]!, StringComparer.Ordinal);
            lock (seen)
            {
                seen.Add((request.Headers.Authorization?.Scheme, fields));
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Stands in for the network where no request may be sent: counts attempts and sends nothing.</summary>
    private sealed class NoNetwork : HttpMessageHandler
    {
        private int requests;

        public int Requests => Volatile.Read(ref requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }
    }
}
