using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.IntegrationTests.Infrastructure;
using SfOAuthGen.Runtime;
using SfOAuthGen.Samples.Integration;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests;

/// <summary>
/// The jwt_bearer org (Ci) of this project's sfauth.json through its generated class, against the recorded-response
/// server's built-in JWT verification: success, renewal, the documented errors, revocation, and the QuickStart's calls.
/// Every test ends by searching everything printed for secrets.
/// </summary>
public class JwtBearerOrgTests : GeneratedOrgFlowTests
{
    [Fact]
    public async Task Jwt_bearer_org_gets_a_token_the_server_verified_and_renews_by_signing_a_new_assertion()
    {
        await using var server = await Secrets.StartServerAsync(Transcript);
        using var client = CiOrg.CreateClient(Secrets.Options(server, Transcript));

        var token = await client.GetTokenAsync();
        var cached = await client.GetTokenAsync();
        var renewed = await client.RefreshAsync();

        var grants = server.Authorization!.Grants;
        Assert.Equal(2, grants.Count);
        Assert.All(grants, g => Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", g.GrantType));
        Assert.All(grants, g => Assert.Equal(Credentials.Username, g.Subject)); // sub from the env: reference, signature checked
        Assert.Equal(grants[0].AccessToken, token.AccessToken);
        Assert.Same(token, cached);
        Assert.Equal(grants[1].AccessToken, renewed.AccessToken);
        Assert.NotEqual(token.AccessToken, renewed.AccessToken);
        Assert.Null(token.RefreshToken);
        Assert.Null(renewed.RefreshToken);
        Assert.Equal(server.BaseUri.Authority, token.InstanceUrl.Authority);
        Assert.Empty(server.Authorization.Rejections);
        Assert.Empty(server.UnmatchedRequests);
        Transcript.Add(token.ToString());
        Transcript.Add(renewed.ToString());
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_for_a_user_who_is_not_pre_authorised_fails_with_the_pre_authorisation_hint()
    {
        await using var server = await Secrets.StartServerAsync(Transcript, approvedUsers: ["someone.else@example.com"]);
        using var client = CiOrg.CreateClient(Secrets.Options(server, Transcript));

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
        Transcript.Add(exception);
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
        await using var server = await Secrets.StartServerAsync(Transcript);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(minutes));
        using var client = CiOrg.CreateClient(Secrets.Options(server, Transcript, clock));

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_grant", exception.Error);
        Assert.False(exception.IsTransient);
        Assert.Contains("clock", exception.Hint, StringComparison.Ordinal);
        Assert.Contains(reason, Assert.Single(server.Authorization!.Rejections), StringComparison.Ordinal);
        Assert.Empty(server.Authorization.Grants);
        Transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_assertion_signed_with_a_key_the_app_does_not_know_is_refused_and_neither_key_leaks()
    {
        Secrets.Set("SF_CI_PRIVATE_KEY", FlowSecrets.StrangerPrivateKeyPem);
        await using var server = await Secrets.StartServerAsync(Transcript);
        using var client = CiOrg.CreateClient(Secrets.Options(server, Transcript));

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync());

        Assert.Equal("invalid_grant", exception.Error);
        Assert.Equal("invalid assertion", exception.ErrorDescription);
        Assert.Contains("privateKey", exception.Hint, StringComparison.Ordinal);
        Assert.Contains("signature does not verify", Assert.Single(server.Authorization!.Rejections), StringComparison.Ordinal);
        Assert.Empty(server.Authorization.Grants);
        Transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_key_that_does_not_parse_is_a_configuration_error_on_privateKey_before_any_request()
    {
        var pem = FlowSecrets.PrivateKeyPem;
        var damaged = pem[..(pem.Length / 2)] + "\n-----END PRIVATE KEY-----\n"; // cut in half, as a bad copy-paste does
        Secrets.Set("SF_CI_PRIVATE_KEY", damaged);
        await using var server = await Secrets.StartServerAsync(Transcript);
        using var client = CiOrg.CreateClient(Secrets.Options(server, Transcript));

        var exception = await Assert.ThrowsAsync<SalesforceConfigurationException>(async () => await client.GetTokenAsync());

        Assert.Equal("privateKey", exception.Field);
        Assert.Equal("Ci", exception.OrgName);
        Assert.Equal(0, TokenRequests());
        Transcript.Add(exception);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_key_with_line_breaks_written_as_backslash_n_as_CI_variables_hold_it_is_accepted()
    {
        Secrets.Set("SF_CI_PRIVATE_KEY", FlowSecrets.PrivateKeyPem.Replace("\n", "\\n", StringComparison.Ordinal));
        await using var server = await Secrets.StartServerAsync(Transcript);
        using var client = CiOrg.CreateClient(Secrets.Options(server, Transcript));

        var token = await client.GetTokenAsync();

        Assert.Equal(Assert.Single(server.Authorization!.Grants).AccessToken, token.AccessToken);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task Jwt_bearer_access_token_revoked_through_the_generated_client_is_dropped_and_the_next_call_signs_anew()
    {
        await using var server = await Secrets.StartServerAsync(Transcript);
        using var client = CiOrg.CreateClient(Secrets.Options(server, Transcript));
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
        Transcript.Add(again);
        AssertNoSecret(server);
    }

    [Fact]
    public async Task QuickStart_calls_work_unchanged_on_the_jwt_bearer_org()
    {
        var cassette = new Cassette().Add(
            LoopbackSalesforce.Data("GET", $"/services/data/v{CiOrg.Settings.ApiVersion}/limits", "ci_access_token"),
            ResponseTemplate.FromJson(200, "{\"DailyApiRequests\":{\"Max\":15000,\"Remaining\":14998}}"));
        await using var server = await Secrets.StartServerAsync(Transcript, cassette);

        // The QuickStart's sequence: Configure, GetTokenAsync, RefreshAsync, then a data-API call with the token.
        CiOrg.Configure(Secrets.Options(server, Transcript));
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
}
