using System.Net;
using System.Text;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

public class ErrorTests
{
    /// <summary>SALESFORCE.md's error table: error, description, flow, whether transient, words the hint must contain.</summary>
    public static TheoryData<string, string?, SalesforceFlow, bool, string[]> ErrorTable => new()
    {
        { "invalid_grant", "authentication failure", SalesforceFlow.Password, false, ["security token", "IP", "Allow OAuth Username-Password Flows", "2027-02-20", "jwt_bearer"] },
        { "invalid_grant", "expired access/refresh token", SalesforceFlow.RefreshToken, false, ["revoked", "rotated", "log in again"] },
        { "invalid_grant", "user hasn't approved this consumer", SalesforceFlow.RefreshToken, false, ["approved"] },
        { "invalid_grant", "Audience validation failed", SalesforceFlow.RefreshToken, false, ["aud"] },
        { "invalid_client_id", "client identifier invalid", SalesforceFlow.Password, false, ["consumer key", "clientId"] },
        { "invalid_client", "invalid client credentials", SalesforceFlow.Password, false, ["consumer secret", "clientSecret"] },
        { "unsupported_grant_type", "grant type not supported", SalesforceFlow.Password, false, ["grant"] },
        { "inactive_user", "user is inactive", SalesforceFlow.Password, false, ["inactive"] },
        { "inactive_org", "organization is inactive", SalesforceFlow.Password, false, ["org"] },
        { "rate_limit_exceeded", "too many requests", SalesforceFlow.Password, true, ["back off", "3,600"] },
        { "invalid_request", null, SalesforceFlow.RefreshToken, false, ["login URL"] },
    };

    [Theory]
    [MemberData(nameof(ErrorTable))]
    public async Task Every_documented_error_maps_to_its_data_and_a_hint(
        string error, string? description, SalesforceFlow flow, bool transient, string[] hintWords)
    {
        using var harness = new Harness(flow == SalesforceFlow.Password ? TestOrg.Password() : TestOrg.Refresh());
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error(error, description));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal(TestOrg.Name, ex.OrgName);
        Assert.Equal(flow, ex.Flow);
        Assert.Equal(error, ex.Error);
        Assert.Equal(description, ex.ErrorDescription);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal(transient, ex.IsTransient);
        Assert.All(hintWords, word => Assert.Contains(word, ex.Hint, StringComparison.Ordinal));
        Assert.Contains(error, ex.Message, StringComparison.Ordinal);
        Assert.Contains(ex.Hint!, ex.Message, StringComparison.Ordinal);
        if (description is not null)
        {
            Assert.Contains(description, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_503_html_maintenance_page_is_transient()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
        {
            Content = new StringContent("<html><body>Salesforce is down for maintenance</body></html>", Encoding.UTF8, "text/html"),
        });

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Null(ex.Error);
        Assert.Contains("HTML", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("maintenance</body>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_html_page_with_status_200_is_transient()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK, "  <!DOCTYPE html><html></html>"));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Contains("HTML", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task A_truncated_json_body_is_transient(HttpStatusCode status)
    {
        using var harness = new Harness();
        var full = System.Text.Json.JsonSerializer.Serialize(Responses.Body());
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Json(status, full[..(full.Length / 2)]));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Equal(status, ex.StatusCode);
    }

    [Fact]
    public async Task A_5xx_json_error_is_transient()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("unknown_error", "retry your request", HttpStatusCode.InternalServerError));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Equal("unknown_error", ex.Error);
    }

    [Fact]
    public async Task A_network_failure_is_transient_and_keeps_the_cause()
    {
        using var harness = new Harness();
        var cause = new HttpRequestException("Connection refused (test.salesforce.com:443)");
        harness.Endpoint.Respond = (_, _) => Task.FromException<HttpResponseMessage>(cause);

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Same(cause, ex.InnerException);
        Assert.Null(ex.StatusCode);
    }

    [Fact]
    public async Task A_shorter_HttpClient_Timeout_bounds_the_request_and_is_the_one_reported()
    {
        var endpoint = new FakeTokenEndpoint { Respond = async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); throw new InvalidOperationException("unreachable"); } };
        using var client = new SalesforceTokenClient(TestOrg.Password(), new SalesforceTokenClientOptions
        {
            HttpClient = new HttpClient(endpoint) { Timeout = TimeSpan.FromMilliseconds(200) },
            RequestTimeout = TimeSpan.FromMinutes(5),
            IsolatedTokenState = true,
        });

        var ex = await Harness.Fails<SalesforceAuthException>(() => client.GetTokenAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Contains("timed out after 0.2 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_that_never_answers_times_out_as_transient()
    {
        using var harness = new Harness(requestTimeout: TimeSpan.FromSeconds(10));
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Endpoint.Respond = async (_, ct) =>
        {
            entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                // Read here, not from a registration: disposing one as the handler unwinds can drop its callback
                // before the token's cancellation reaches it, when the handler runs on the caller's own stack.
                if (ct.IsCancellationRequested)
                {
                    handlerCancelled.TrySetResult();
                }
            }

            throw new InvalidOperationException("unreachable");
        };

        var call = harness.Client.GetTokenAsync().AsTask();
        await entered.Task;
        harness.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(call.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(1));

        var ex = await Harness.Fails<SalesforceAuthException>(() => call);
        await handlerCancelled.Task;
        Assert.True(ex.IsTransient);
        Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<OperationCanceledException>(ex.InnerException);
    }

    [Theory]
    [InlineData("http://test.salesforce.com")]
    [InlineData("ftp://test.salesforce.com")]
    [InlineData("http://10.0.0.1")]
    public void A_login_url_without_https_is_refused_in_the_constructor(string loginUrl)
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => new SalesforceTokenClient(TestOrg.Password() with { LoginUrl = new Uri(loginUrl) }));
        Secrets.Observe(ex);

        Assert.Equal("loginUrl", ex.Field);
        Assert.Equal(TestOrg.Name, ex.OrgName);
        Assert.Contains("https", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_options_login_url_override_is_checked_too()
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => new SalesforceTokenClient(
            TestOrg.Password(), new SalesforceTokenClientOptions { LoginUrl = new Uri("http://proxy.example.com") }));

        Assert.Equal("loginUrl", ex.Field);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://127.8.9.10")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    [InlineData("https://login.salesforce.com")]
    public void Https_and_loopback_login_urls_are_accepted(string loginUrl)
    {
        using var client = new SalesforceTokenClient(TestOrg.Password(), new SalesforceTokenClientOptions { LoginUrl = new Uri(loginUrl) });

        Assert.Equal(new Uri(loginUrl), client.LoginUrl);
    }

    [Fact]
    public void A_non_positive_session_lifetime_is_refused()
    {
        var ex = Assert.Throws<SalesforceConfigurationException>(() => new SalesforceTokenClient(TestOrg.Password() with { SessionLifetime = TimeSpan.Zero }));

        Assert.Equal("sessionLifetime", ex.Field);
    }

    [Fact]
    public async Task A_flow_this_version_cannot_run_is_a_clear_configuration_error()
    {
        // Every named flow runs now; a value from a newer generator than this runtime does not.
        using var harness = new Harness(TestOrg.Password() with { Flow = (SalesforceFlow)99 });

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("flow", ex.Field);
        Assert.Contains("not supported", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Theory]
    [InlineData("clientId")]
    [InlineData("clientSecret")]
    [InlineData("username")]
    [InlineData("password")]
    public async Task A_field_the_password_flow_needs_is_named_when_missing(string field)
    {
        var settings = field switch
        {
            "clientId" => TestOrg.Password() with { ClientId = null },
            "clientSecret" => TestOrg.Password() with { ClientSecret = null },
            "username" => TestOrg.Password() with { Username = null },
            _ => TestOrg.Password() with { Password = null },
        };
        using var harness = new Harness(settings);

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal(field, ex.Field);
        Assert.Contains($"'{field}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Endpoint.Count);
    }

    [Fact]
    public async Task The_refresh_flow_without_a_refresh_token_is_a_configuration_error()
    {
        using var harness = new Harness(TestOrg.Refresh() with { RefreshToken = null });

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("refreshToken", ex.Field);
    }
}
