using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>
/// A login host that redirects, answers with endless bodies or stalls: the client never sends credentials onward,
/// never takes a foreign host's token, never reads without bound and never outlives its caller's cancellation.
/// </summary>
public class HostileServerTests
{
    private const int Cap = 1024 * 1024;
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private static SalesforceOrgSettings PasswordOrgAt(Uri loginUrl) => TestOrg.Password() with { LoginUrl = loginUrl };

    /// <summary>A login host that sends every request on to <paramref name="foreign"/> with <paramref name="status"/>, and a foreign host that answers with a token.</summary>
    private static (LoopbackHttpServer Login, LoopbackHttpServer Foreign) RedirectingLoginHost(string status)
    {
        var foreign = new LoopbackHttpServer(_ => LoopbackHttpServer.Response(
            "200 OK", JsonSerializer.Serialize(Responses.Body()), "application/json"));
        var login = new LoopbackHttpServer(request => LoopbackHttpServer.Response(
            status, string.Empty, null, "Location: " + new Uri(foreign.BaseUri, request.Target).AbsoluteUri));
        return (login, foreign);
    }

    [Theory]
    [InlineData("302 Found")]
    [InlineData("307 Temporary Redirect")]
    [InlineData("308 Permanent Redirect")]
    public async Task The_clients_own_HttpClient_does_not_follow_a_redirect_from_the_token_endpoint(string status)
    {
        var (login, foreign) = RedirectingLoginHost(status);
        await using var _ = login;
        await using var __ = foreign;
        using var client = new SalesforceTokenClient(PasswordOrgAt(login.BaseUri));

        var ex = await Harness.Fails<SalesforceAuthException>(() => client.GetTokenAsync().AsTask()).WaitAsync(HangGuard);

        Assert.False(ex.IsTransient);
        Assert.Equal((HttpStatusCode)int.Parse(status[..3], System.Globalization.CultureInfo.InvariantCulture), ex.StatusCode);
        Assert.Contains("redirect", ex.Message, StringComparison.Ordinal);
        Assert.Single(login.Requests);
        Assert.Empty(foreign.Requests); // the password never left for the other host
        Assert.Null(client.CurrentToken);
    }

    [Fact]
    public async Task The_dependency_injection_token_client_does_not_follow_a_redirect()
    {
        var (login, foreign) = RedirectingLoginHost("307 Temporary Redirect");
        await using var _ = login;
        await using var __ = foreign;
        var services = new ServiceCollection();
        services.AddSalesforceOrg(PasswordOrgAt(login.BaseUri));
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredKeyedService<SalesforceTokenClient>(TestOrg.Name);

        var ex = await Harness.Fails<SalesforceAuthException>(() => client.GetTokenAsync().AsTask()).WaitAsync(HangGuard);

        Assert.False(ex.IsTransient);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, ex.StatusCode);
        Assert.Empty(foreign.Requests);
    }

    [Fact]
    public async Task A_primary_handler_the_app_sets_on_the_token_client_does_not_follow_redirects_either()
    {
        var (login, foreign) = RedirectingLoginHost("308 Permanent Redirect");
        await using var _ = login;
        await using var __ = foreign;
        var services = new ServiceCollection();
        services.AddSalesforceOrg(PasswordOrgAt(login.BaseUri)).TokenClient
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true, UseProxy = false });
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredKeyedService<SalesforceTokenClient>(TestOrg.Name);

        var ex = await Harness.Fails<SalesforceAuthException>(() => client.GetTokenAsync().AsTask()).WaitAsync(HangGuard);

        Assert.Equal(HttpStatusCode.PermanentRedirect, ex.StatusCode);
        Assert.Empty(foreign.Requests);
    }

    [Fact]
    public async Task A_handed_in_client_that_follows_redirects_never_gets_the_foreign_hosts_token_accepted()
    {
        var (login, foreign) = RedirectingLoginHost("307 Temporary Redirect");
        await using var _ = login;
        await using var __ = foreign;
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, UseProxy = false });
        using var client = new SalesforceTokenClient(PasswordOrgAt(login.BaseUri), new SalesforceTokenClientOptions { HttpClient = http });

        var ex = await Harness.Fails<SalesforceAuthException>(() => client.GetTokenAsync().AsTask()).WaitAsync(HangGuard);

        Assert.Single(foreign.Requests); // that client followed; the token it brought back is refused all the same
        Assert.False(ex.IsTransient);
        Assert.Contains("redirect", ex.Message, StringComparison.Ordinal);
        Assert.Null(client.CurrentToken);
    }

    [Fact]
    public async Task Revoke_and_introspect_refuse_a_redirect_too()
    {
        var (login, foreign) = RedirectingLoginHost("307 Temporary Redirect");
        await using var _ = login;
        await using var __ = foreign;
        using var client = new SalesforceTokenClient(PasswordOrgAt(login.BaseUri));

        var revoke = await Harness.Fails<SalesforceAuthException>(() => client.RevokeAsync(Secrets.AccessToken2)).WaitAsync(HangGuard);

        Assert.False(revoke.IsTransient);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, revoke.StatusCode);
        Assert.Contains("redirect", revoke.Message, StringComparison.Ordinal);
        Assert.Empty(foreign.Requests);
    }

    [Fact]
    public async Task Introspection_refuses_a_redirect()
    {
        using var harness = new Harness();
        harness.Endpoint.Respond = (request, _) => Task.FromResult(request.Uri!.AbsolutePath.EndsWith("/introspect", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.TemporaryRedirect) { Headers = { Location = new Uri("https://attacker.example/introspect") } }
            : Responses.Success());

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.IntrospectAsync());

        Assert.False(ex.IsTransient);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, ex.StatusCode);
        Assert.Contains("redirect", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("attacker.example", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_error_body_is_read_only_up_to_the_cap_and_the_exception_stays_short()
    {
        using var harness = new Harness();
        var body = new GeneratedBodyStream("{\"error\":\"invalid_grant\",\"error_description\":\"", (byte)'A', 32L * Cap, "\"}");
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Chunked(HttpStatusCode.BadRequest, body));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.InRange(body.BytesRead, 1, Cap + (64 * 1024)); // stopped at the cap, not at the end of the 32 MiB
        Assert.InRange(ex.Message.Length, 1, 4096);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
    }

    [Fact]
    public async Task A_huge_success_body_is_refused_at_the_cap()
    {
        using var harness = new Harness();
        var body = new GeneratedBodyStream("{\"access_token\":\"", (byte)'A', 32L * Cap, "\"}");
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Chunked(HttpStatusCode.OK, body));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.InRange(body.BytesRead, 1, Cap + (64 * 1024));
        Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
        Assert.Null(harness.Client.CurrentToken);
    }

    [Fact]
    public async Task Revoke_reads_a_huge_error_body_only_up_to_the_cap()
    {
        using var harness = new Harness();
        var body = new GeneratedBodyStream("{\"error\":\"invalid_token\",\"error_description\":\"", (byte)'B', 32L * Cap, "\"}");
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Chunked(HttpStatusCode.BadRequest, body));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.RevokeAsync(Secrets.AccessToken2));

        Assert.InRange(body.BytesRead, 1, Cap + (64 * 1024));
        Assert.InRange(ex.Message.Length, 1, 4096);
    }

    [Fact]
    public async Task A_long_error_description_under_the_cap_is_truncated_in_the_exception_and_the_log()
    {
        using var host = new OrgHost();
        var description = "authentication failure " + new string('x', 512 * 1024);
        host.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error("invalid_grant", description));

        var ex = await Harness.Fails<SalesforceAuthException>(() => host.Tokens.GetTokenAsync().AsTask());

        Assert.Equal("invalid_grant", ex.Error);
        Assert.StartsWith("authentication failure xxx", ex.ErrorDescription, StringComparison.Ordinal);
        Assert.InRange(ex.ErrorDescription!.Length, 24, 1100);
        Assert.InRange(ex.Message.Length, 1, 4096);
        var failed = Assert.Single(host.Logs.Events("TokenFailed"));
        Assert.InRange(failed.Exception!.Message.Length, 1, 4096);
    }

    [Fact]
    public async Task The_auth_handler_stops_reading_a_stalled_401_body_when_the_caller_cancels()
    {
        using var host = new OrgHost();
        var stalled = new StalledBodyStream();
        host.Api.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StreamContent(stalled) { Headers = { ContentType = new("application/json") } },
        });
        using var http = host.CreateApiClient();
        using var cancel = new CancellationTokenSource();

        var call = http.GetAsync("services/data/v62.0/limits", cancel.Token);
        await stalled.Reading.WaitAsync(HangGuard);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(HangGuard));
    }

    [Fact]
    public async Task The_auth_handler_gives_up_on_a_stalled_401_body_at_HttpClient_Timeout()
    {
        using var host = new OrgHost();
        var stalled = new StalledBodyStream();
        host.Api.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StreamContent(stalled) });
        using var http = host.CreateApiClient();
        http.Timeout = TimeSpan.FromMilliseconds(200);

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => http.GetAsync("services/data/v62.0/limits").WaitAsync(HangGuard));

        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.True(stalled.Reading.IsCompleted);
    }

    [Fact]
    public async Task A_401_body_over_the_cap_is_still_handed_to_the_caller_whole()
    {
        using var host = new OrgHost();
        var body = new GeneratedBodyStream("[{\"errorCode\":\"SOMETHING_ELSE\",\"message\":\"", (byte)'C', 3L * Cap, "\"}]");
        host.Api.Respond = (_, _) => Task.FromResult(Chunked(HttpStatusCode.Unauthorized, body));
        using var http = host.CreateApiClient();

        using var response = await http.GetAsync("services/data/v62.0/limits", HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(3L * Cap, bytes.LongLength);
        Assert.Equal((byte)']', bytes[^1]);
        Assert.Equal(1, host.Endpoint.Count); // not an invalid session: no renewal
    }

    [Fact]
    public async Task At_Trace_no_header_value_of_either_client_is_logged()
    {
        const string SessionCookie = "sid=" + Secrets.AccessToken2 + "; Path=/; Secure; HttpOnly";
        using var host = new OrgHost();
        host.Endpoint.Respond = (_, _) =>
        {
            var response = Responses.Success();
            response.Headers.Add("Set-Cookie", SessionCookie);
            response.Headers.Add("X-SFDC-Session", Secrets.AccessToken);
            return Task.FromResult(response);
        };
        host.Api.Respond = (_, _) =>
        {
            var response = Responses.Json(HttpStatusCode.OK, """{"done":true}""");
            response.Headers.Add("Set-Cookie", SessionCookie);
            response.Headers.Add("X-SFDC-Session", Secrets.AccessToken);
            response.Headers.Add("X-Custom-Echo", Secrets.AccessToken2);
            return Task.FromResult(response);
        };
        using var http = host.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "services/data/v62.0/limits");
        request.Headers.Add("Cookie", "sid=" + Secrets.AccessToken);
        request.Headers.Add("X-SFDC-Session", Secrets.AccessToken);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headerLines = host.Logs.Records.Where(r => r.Level == LogLevel.Trace && r.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal)).ToList();
        Assert.Contains(headerLines, r => r.Message.Contains("X-SFDC-Session", StringComparison.Ordinal) && r.Category.Contains("SfOAuthGen.Token", StringComparison.Ordinal));
        Assert.Contains(headerLines, r => r.Message.Contains("Set-Cookie", StringComparison.Ordinal) && r.Category.Contains("Salesforce." + TestOrg.Name, StringComparison.Ordinal));
        foreach (var record in host.Logs.Records)
        {
            Assert.DoesNotContain("WitnessAccessTokenValue", record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("WitnessSecondAccessToken", record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("00D5g000004XyZ1", record.Message, StringComparison.Ordinal);
        }
    }

    private static HttpResponseMessage Chunked(HttpStatusCode status, Stream body) => new(status)
    {
        Content = new StreamContent(body) { Headers = { ContentType = new("application/json") } },
    };
}
