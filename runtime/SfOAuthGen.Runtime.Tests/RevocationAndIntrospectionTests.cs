using System.Net;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>Revoking tokens and introspecting them: what is sent, how errors map, and what the client keeps.</summary>
public class RevocationAndIntrospectionTests
{
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
        using var harness = new Harness(FlowOrgs.ClientCredentials(auth: ClientAuthentication.Basic));
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
