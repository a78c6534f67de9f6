using System.Net;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

public class ResponseTests
{
    [Fact]
    public async Task A_password_flow_response_without_refresh_token_fills_every_field()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(signWith: Secrets.ClientSecret));
        var received = harness.Time.GetUtcNow();

        var token = await harness.Client.GetTokenAsync();

        Assert.Equal(Secrets.AccessToken, token.AccessToken);
        Assert.Equal(new Uri(Responses.InstanceUrl), token.InstanceUrl);
        Assert.Equal(new Uri(Responses.IdentityUrl), token.IdentityUrl);
        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Responses.IssuedAtMs, System.Globalization.CultureInfo.InvariantCulture)), token.IssuedAt);
        Assert.NotNull(token.Signature);
        Assert.Null(token.Scope);
        Assert.Null(token.RefreshToken);
        Assert.Equal("00D5g000004XyZ1", token.OrganizationId);
        Assert.Same(token, harness.Client.CurrentToken);
        Secrets.Observe(token.ToString());
    }

    [Fact]
    public async Task Expiry_is_the_local_receipt_time_plus_the_session_lifetime_not_issued_at()
    {
        using var harness = new Harness(TestOrg.Password() with { SessionLifetime = TimeSpan.FromMinutes(45) });
        var received = harness.Time.GetUtcNow();

        var token = await harness.Client.GetTokenAsync();

        Assert.Equal(received + TimeSpan.FromMinutes(45), token.ExpiresAt);
        Assert.NotEqual(token.IssuedAt!.Value + TimeSpan.FromMinutes(45), token.ExpiresAt);
    }

    [Fact]
    public async Task A_response_with_refresh_token_and_scope_keeps_them()
    {
        using var harness = new Harness(TestOrg.Refresh());
        var body = Responses.Body(refreshToken: Secrets.RotatedRefreshToken);
        body["scope"] = "api refresh_token";
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK, body));

        var token = await harness.Client.GetTokenAsync();

        Assert.Equal(Secrets.RotatedRefreshToken, token.RefreshToken);
        Assert.Equal("api refresh_token", token.Scope);
        Secrets.Observe(token.ToString());
    }

    [Theory]
    [InlineData("\"1676372418560\"")]
    [InlineData("\"1676372418\"")]
    [InlineData("1676372418560")]
    [InlineData("1676372418")]
    public async Task Issued_at_parses_in_milliseconds_and_seconds_as_string_or_number(string issuedAtJson)
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK,
            $$"""{"access_token":"{{Secrets.AccessToken}}","instance_url":"{{Responses.InstanceUrl}}","issued_at":{{issuedAtJson}}}"""));

        var token = await harness.Client.GetTokenAsync();

        // Both encodings name the same second (the milliseconds add 560 ms).
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1676372418), token.IssuedAt!.Value.AddTicks(-(token.IssuedAt.Value.Ticks % TimeSpan.TicksPerSecond)));
        Assert.Equal(2023, token.IssuedAt.Value.Year);
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        using var harness = new Harness();
        var body = Responses.Body();
        body["sfdc_community_url"] = "https://example.my.site.com/partners";
        body["sfdc_community_id"] = "0DBxx0000000001";
        body["api_instance_url"] = "https://api.salesforce.com";
        body["nested_unknown"] = new { a = new[] { 1, 2 }, b = (string?)null };
        body["id_token"] = "eyJ.id.token";
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK, body));

        var token = await harness.Client.GetTokenAsync();

        Assert.Equal(Secrets.AccessToken, token.AccessToken);
        Assert.Equal(new Uri("https://example.my.site.com/partners"), token.CommunityUrl);
        Assert.Equal("eyJ.id.token", token.IdToken);
    }

    [Fact]
    public async Task Only_access_token_and_instance_url_are_required()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK,
            $$"""{"access_token":"{{Secrets.AccessToken}}","instance_url":"{{Responses.InstanceUrl}}"}"""));

        var token = await harness.Client.GetTokenAsync();

        Assert.Null(token.IdentityUrl);
        Assert.Null(token.IssuedAt);
        Assert.Null(token.Signature);
        Assert.Equal("Bearer", token.TokenType);
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("instance_url")]
    public async Task A_missing_required_field_is_a_final_error_naming_it(string missing)
    {
        using var harness = new Harness();
        var body = Responses.Body();
        body.Remove(missing);
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK, body));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.False(ex.IsTransient);
        Assert.Contains(missing, ex.ErrorDescription, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
    }

    [Theory]
    [InlineData("http://na1.salesforce.com", false)]
    [InlineData("ftp://na1.salesforce.com", false)]
    [InlineData("not a url", false)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    public async Task Instance_url_must_be_https_unless_loopback(string instanceUrl, bool accepted)
    {
        using var harness = new Harness();
        var body = Responses.Body();
        body["instance_url"] = instanceUrl;
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK, body));

        if (accepted)
        {
            var token = await harness.Client.GetTokenAsync();
            Assert.Equal(new Uri(instanceUrl), token.InstanceUrl);
        }
        else
        {
            var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());
            Assert.False(ex.IsTransient);
            Assert.Contains("instance_url", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_good_signature_is_accepted()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(signWith: Secrets.ClientSecret));

        var token = await harness.Client.GetTokenAsync();

        Assert.Equal(Responses.Sign(Secrets.ClientSecret, Responses.IdentityUrl, Responses.IssuedAtMs), token.Signature);
    }

    [Theory]
    [InlineData("another secret")]
    [InlineData(null)]
    public async Task A_bad_signature_is_a_final_error(string? signingKey)
    {
        using var harness = new Harness();
        var body = Responses.Body(signWith: signingKey ?? "x");
        if (signingKey is null)
        {
            body["signature"] = "not base64 at all!";
        }

        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK, body));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("invalid_signature", ex.Error);
        Assert.False(ex.IsTransient);
        Assert.Null(harness.Client.CurrentToken);
    }

    [Fact]
    public async Task A_bad_signature_passes_when_verification_is_off()
    {
        using var harness = new Harness(TestOrg.Password() with { VerifySignature = false });
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(signWith: "another secret"));

        var token = await harness.Client.GetTokenAsync();

        Assert.Equal(Secrets.AccessToken, token.AccessToken);
    }

    [Fact]
    public async Task A_signature_cannot_be_checked_without_a_client_secret()
    {
        using var harness = new Harness(TestOrg.Refresh() with { ClientSecret = null });
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(signWith: "another secret"));

        var token = await harness.Client.GetTokenAsync();

        Assert.NotNull(token.Signature);
    }

    [Fact]
    public async Task A_signed_issued_at_sent_as_a_number_verifies_against_its_digits()
    {
        using var harness = new Harness();
        var signature = Responses.Sign(Secrets.ClientSecret, Responses.IdentityUrl, Responses.IssuedAtMs);
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK,
            $$"""{"access_token":"{{Secrets.AccessToken}}","instance_url":"{{Responses.InstanceUrl}}","id":"{{Responses.IdentityUrl}}","issued_at":{{Responses.IssuedAtMs}},"signature":"{{signature}}"}"""));

        var token = await harness.Client.GetTokenAsync();

        Assert.Equal(signature, token.Signature);
    }
}
