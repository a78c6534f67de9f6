using System.Net;
using System.Text;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>
/// Every test records the messages and ToString() output it produces in <see cref="Secrets"/>, which fails on a secret
/// at once. This test also drives every failure path on its own, so the check does not depend on test order.
/// </summary>
public class NoSecretLeakTests
{
    public static TheoryData<string> Scenarios => new()
    {
        "invalid_grant", "invalid_client", "invalid_client_id", "rate_limit_exceeded", "html", "truncated", "network", "bad_signature",
        "http_instance", "missing_env", "unsupported_flow",
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task No_message_or_ToString_contains_a_secret(string scenario)
    {
        var settings = scenario switch
        {
            "missing_env" => TestOrg.Password(ClientAuthentication.Basic) with { SecurityToken = SecretReference.Environment("SFOAUTHGEN_UNSET_" + Guid.NewGuid().ToString("N")) },
            "unsupported_flow" => TestOrg.Password() with { Flow = SalesforceFlow.WebServer },
            _ => TestOrg.Password(ClientAuthentication.Basic),
        };
        using var harness = new Harness(settings);
        harness.Endpoint.Respond = (_, _) => scenario switch
        {
            "html" => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway)
            {
                Content = new StringContent("<html>" + Secrets.Password + "</html>", Encoding.UTF8, "text/html"),
            }),
            "truncated" => Task.FromResult(Responses.Json(HttpStatusCode.OK, "{\"access_token\":\"" + Secrets.AccessToken)),
            "network" => Task.FromException<HttpResponseMessage>(new HttpRequestException("connection reset")),
            "bad_signature" => Task.FromResult(Responses.Success(signWith: "wrong")),
            "http_instance" => Task.FromResult(Responses.Json(HttpStatusCode.OK,
                $$"""{"access_token":"{{Secrets.AccessToken}}","instance_url":"http://na1.salesforce.com","refresh_token":"{{Secrets.RefreshToken}}"}""")),
            _ => Task.FromResult(Responses.Error(scenario, "description from salesforce")),
        };

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => harness.Client.GetTokenAsync().AsTask());
        Secrets.Observe(ex);
        Secrets.Observe(harness.Settings.ToString());

        Assert.True(ex is SalesforceAuthException or SalesforceConfigurationException, ex.GetType().Name);
        Secrets.AssertEverythingObservedIsClean();
        Assert.True(Secrets.ObservedCount >= 3);
    }

    [Fact]
    public async Task A_token_prints_masked()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success(refreshToken: Secrets.RefreshToken));

        var token = await harness.Client.GetTokenAsync();
        var text = token.ToString();
        Secrets.Observe(text);

        Assert.Contains("00D…!AQ…(redacted)", text, StringComparison.Ordinal);
        Assert.Contains("with a refresh token", text, StringComparison.Ordinal);
    }
}
