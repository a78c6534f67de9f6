using System.Net;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

public class FailureBackoffTests
{
    [Fact]
    public async Task Calls_within_the_backoff_rethrow_the_failure_without_a_request()
    {
        using var harness = new Harness(failureBackoff: TimeSpan.FromSeconds(30));
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("invalid_grant", "authentication failure"));
        var first = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        for (var i = 0; i < 10; i++)
        {
            harness.Time.Advance(TimeSpan.FromSeconds(2));
            var again = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());
            Assert.Same(first, again);
        }

        Assert.Equal(1, harness.Endpoint.Count);
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Success());
        var token = await harness.Client.GetTokenAsync();
        Assert.Equal(2, harness.Endpoint.Count);
        Assert.Equal(Secrets.AccessToken, token.AccessToken);
    }

    [Fact]
    public async Task A_forced_refresh_within_the_backoff_returns_the_still_valid_token()
    {
        using var harness = new Harness(failureBackoff: TimeSpan.FromSeconds(30));
        var valid = await harness.Client.GetTokenAsync();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("server_error", "busy", HttpStatusCode.ServiceUnavailable));
        await Harness.Fails<SalesforceAuthException>(() => harness.Client.RefreshAsync().AsTask());

        var again = await harness.Client.RefreshAsync();

        Assert.Same(valid, again);
        Assert.Equal(2, harness.Endpoint.Count);
    }

    [Fact]
    public async Task Configuration_errors_are_backed_off_too()
    {
        using var harness = new Harness(TestOrg.Password() with { Password = SecretReference.Environment("SFOAUTHGEN_TEST_UNSET_" + Guid.NewGuid().ToString("N")) });

        var first = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());
        var second = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Same(first, second);
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Fact]
    public async Task A_zero_backoff_retries_at_once()
    {
        using var harness = new Harness(failureBackoff: TimeSpan.Zero);
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("invalid_grant", "authentication failure"));

        await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());
        await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal(2, harness.Endpoint.Count);
    }
}
