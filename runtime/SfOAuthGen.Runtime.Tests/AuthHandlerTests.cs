using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>
/// The org's API client against a fake token endpoint and a fake data API. The fake API answers 401
/// INVALID_SESSION_ID to the first access token and 200 to the renewed one, as Salesforce does after a session expires.
/// </summary>
public class AuthHandlerTests
{
    private const string Query = "services/data/v62.0/query?q=SELECT+Id+FROM+Account";

    private static OrgHost SessionExpiresOnce()
    {
        var host = new OrgHost();
        var issued = 0;
        host.Endpoint.Respond = (_, _) =>
            Task.FromResult(Responses.Success(Interlocked.Increment(ref issued) == 1 ? Secrets.AccessToken : Secrets.AccessToken2));
        host.Api.Respond = (request, _) => Task.FromResult(
            request.BearerToken == Secrets.AccessToken ? FakeDataApi.InvalidSession() : Responses.Json(HttpStatusCode.OK, """{"done":true}"""));
        return host;
    }

    [Fact]
    public async Task Relative_requests_go_to_the_instance_url_with_the_bearer_token()
    {
        using var host = new OrgHost();
        using var http = host.CreateApiClient();

        using var response = await http.GetAsync(Query);

        var request = Assert.Single(host.Api.Requests);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Secrets.AccessToken, request.BearerToken);
        Assert.Equal(new Uri(FakeDataApi.InstanceUrl, Query), request.Uri);
    }

    [Fact]
    public async Task One_invalid_session_causes_one_renewal_and_one_retry_that_succeeds()
    {
        using var host = SessionExpiresOnce();
        using var http = host.CreateApiClient();

        using var response = await http.GetAsync(Query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, host.Endpoint.Count);
        Assert.Equal([Secrets.AccessToken, Secrets.AccessToken2], host.Api.Requests.Select(r => r.BearerToken));
        Assert.All(host.Api.Requests, r => Assert.Equal(new Uri(FakeDataApi.InstanceUrl, Query), r.Uri));
        Assert.Same(await host.Tokens.GetTokenAsync(), host.Tokens.CurrentToken);
        Assert.Equal(Secrets.AccessToken2, host.Tokens.CurrentToken!.AccessToken);
    }

    [Fact]
    public async Task A_second_invalid_session_right_after_the_retry_is_returned_to_the_caller_without_a_loop()
    {
        using var host = new OrgHost();
        var issued = 0;
        host.Endpoint.Respond = (_, _) =>
            Task.FromResult(Responses.Success(Interlocked.Increment(ref issued) == 1 ? Secrets.AccessToken : Secrets.AccessToken2));
        host.Api.Respond = (_, _) => Task.FromResult(FakeDataApi.InvalidSession());
        using var http = host.CreateApiClient();

        using var response = await http.GetAsync(Query);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("INVALID_SESSION_ID", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, host.Api.Count);
        Assert.Equal(2, host.Endpoint.Count);
        Assert.Single(host.Logs.Events("RetryRejected"));
    }

    [Fact]
    public async Task Request_limit_exceeded_is_returned_without_a_renewal()
    {
        using var host = new OrgHost();
        host.Api.Respond = (_, _) => Task.FromResult(FakeDataApi.RequestLimitExceeded());
        using var http = host.CreateApiClient();

        using var response = await http.GetAsync(Query);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("REQUEST_LIMIT_EXCEEDED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, host.Api.Count);
        Assert.Equal(1, host.Endpoint.Count);
        Assert.NotNull(host.Tokens.CurrentToken);
    }

    public static TheoryData<string> OtherUnauthorizedBodies => new()
    {
        """[{"message":"This session is not valid for use with the REST API","errorCode":"API_DISABLED_FOR_ORG"}]""",
        """{"error":"invalid_token"}""",
        "<html>Unauthorized</html>",
        "",
    };

    [Theory]
    [MemberData(nameof(OtherUnauthorizedBodies))]
    public async Task Other_401s_are_returned_without_a_renewal(string body)
    {
        using var host = new OrgHost();
        host.Api.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent(body) });
        using var http = host.CreateApiClient();

        using var response = await http.GetAsync(Query);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, host.Api.Count);
        Assert.Equal(1, host.Endpoint.Count);
    }

    [Fact]
    public async Task A_soap_invalid_session_fault_also_renews()
    {
        using var host = SessionExpiresOnce();
        host.Api.Respond = (request, _) => Task.FromResult(request.BearerToken == Secrets.AccessToken
            ? new HttpResponseMessage(HttpStatusCode.Unauthorized)
            {
                Content = new StringContent("<soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><sf:exceptionCode>INVALID_SESSION_ID</sf:exceptionCode></soapenv:Fault>", Encoding.UTF8, "text/xml"),
            }
            : new HttpResponseMessage(HttpStatusCode.OK));
        using var http = host.CreateApiClient();

        using var response = await http.PostAsync("services/Soap/u/62.0", new StringContent("<env/>"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, host.Endpoint.Count);
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_that_all_see_the_401_cause_exactly_one_renewal()
    {
        const int Requests = 200;
        using var host = SessionExpiresOnce();
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var renewed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Api.Respond = async (request, _) =>
        {
            if (request.BearerToken != Secrets.AccessToken)
            {
                renewed.TrySetResult();
                return Responses.Json(HttpStatusCode.OK, """{"done":true}""");
            }

            // Hold every first attempt until all of them are in flight with the old token: each one really sees a 401.
            var index = Interlocked.Increment(ref arrived);
            if (index == Requests)
            {
                allArrived.SetResult();
            }

            await allArrived.Task;
            if (index > Requests / 2)
            {
                // The second half hears of the expiry only after the renewal: they must use the new token, not renew again.
                await renewed.Task;
            }

            return FakeDataApi.InvalidSession();
        };
        using var http = host.CreateApiClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => Task.Run(() => http.GetAsync(Query + "&n=" + i))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, host.Endpoint.Count); // the first login and one renewal
        Assert.Equal(Requests, host.Api.Requests.Count(r => r.BearerToken == Secrets.AccessToken));
        Assert.Equal(Requests, host.Api.Requests.Count(r => r.BearerToken == Secrets.AccessToken2));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    public static TheoryData<string> BodyKinds => new() { "string", "stream", "json" };

    [Theory]
    [MemberData(nameof(BodyKinds))]
    public async Task A_post_body_is_resent_intact(string kind)
    {
        using var host = SessionExpiresOnce();
        using var http = host.CreateApiClient();
        var json = """{"Name":"Acme Ünïcode 漢字","Description":"line1\nline2","Amount":12.5}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        HttpContent content = kind switch
        {
            "string" => new StringContent(json, Encoding.UTF8, "application/json"),
            "stream" => new StreamContent(new ForwardOnlyStream(bytes)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            _ => System.Net.Http.Json.JsonContent.Create(new { Name = "Acme Ünïcode 漢字", Amount = 12.5 }),
        };

        using var response = await http.PostAsync("services/data/v62.0/sobjects/Account", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = host.Api.Requests.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.Equal(sent[0].Body, sent[1].Body);
        Assert.Equal("application/json", sent[1].ContentType);
        Assert.Equal(HttpMethod.Post, sent[1].Method);
        Assert.NotEmpty(sent[1].Body);
        if (kind != "json")
        {
            Assert.Equal(bytes, sent[1].Body);
        }
    }

    [Fact]
    public async Task A_failed_renewal_surfaces_the_token_error()
    {
        using var host = new OrgHost();
        var issued = 0;
        host.Endpoint.Respond = (_, _) => Task.FromResult(Interlocked.Increment(ref issued) == 1
            ? Responses.Success()
            : Responses.Error("invalid_grant", "authentication failure"));
        host.Api.Respond = (_, _) => Task.FromResult(FakeDataApi.InvalidSession());
        using var http = host.CreateApiClient();

        var ex = await Harness.Fails<SalesforceAuthException>(() => http.GetAsync(Query));

        Assert.Equal("invalid_grant", ex.Error);
        Assert.Equal(1, host.Api.Count);
    }

    [Fact]
    public async Task Absolute_requests_to_the_instance_carry_the_token_and_other_hosts_never_do()
    {
        using var host = new OrgHost();
        using var http = host.CreateApiClient();

        (await http.GetAsync(new Uri(FakeDataApi.InstanceUrl, "services/data"))).Dispose();
        (await http.GetAsync("https://attacker.example.com/collect")).Dispose();

        var requests = host.Api.Requests.ToArray();
        Assert.Equal(Secrets.AccessToken, requests[0].BearerToken);
        Assert.Equal("attacker.example.com", requests[1].Uri!.Host);
        Assert.Null(requests[1].Authorization);
    }

    [Fact]
    public async Task A_request_with_its_own_authorization_is_sent_untouched()
    {
        using var host = new OrgHost();
        host.Api.Respond = (_, _) => Task.FromResult(FakeDataApi.InvalidSession());
        using var http = host.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(FakeDataApi.InstanceUrl, "services/data"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "caller-token");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("caller-token", Assert.Single(host.Api.Requests).BearerToken);
        Assert.Equal(0, host.Endpoint.Count);
    }

    [Fact]
    public async Task The_handler_works_without_dependency_injection()
    {
        using var harness = new Harness();
        var api = new FakeDataApi();
        using var invoker = new HttpMessageInvoker(new SalesforceAuthHandler(harness.Client) { InnerHandler = api });

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri("services/data", UriKind.Relative)), default);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Uri(FakeDataApi.InstanceUrl, "services/data"), Assert.Single(api.Requests).Uri);
    }

    /// <summary>A body that can be read once, front to back, like a network or file stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
