using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SfOAuthGen.IntegrationTests.Infrastructure;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.Samples.Integration;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests;

/// <summary>
/// The generated <c>AddSalesforceOrgs()</c> and the org's API client (with <see cref="SalesforceAuthHandler"/>) against the
/// loopback server acting as both login host and data API (it rewrites <c>instance_url</c> to itself).
/// </summary>
public class AuthHandlerTests
{
    private const string LimitsJson = """{"DailyApiRequests":{"Max":15000,"Remaining":14998}}""";
    private const string AccountsPath = "/services/data/v62.0/sobjects/Account";
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly Credentials credentials = Credentials.Create();
    private readonly Transcript transcript = new();

    [Fact]
    public async Task Registration_binds_the_login_url_from_configuration_and_the_request_carries_the_token()
    {
        var cassette = LoopbackSalesforce.Load("password-success")
            .Add(LoopbackSalesforce.Data("GET", LoopbackSalesforce.LimitsPath, "access_token"), ResponseTemplate.FromJson(200, LimitsJson));
        await using var salesforce = await LoopbackSalesforce.StartAsync(cassette, transcript, credentials);
        await using var app = SalesforceApp.Build(salesforce, credentials);
        var orgs = app.GetRequiredService<ISalesforceOrgs>();

        using var http = orgs.CreateHttpClient("Sandbox");
        var body = await http.GetStringAsync(LoopbackSalesforce.LimitsPath.TrimStart('/'));

        Assert.Equal(["Sandbox", "dev-hub", "Loopback", "Ci", "Integration", "Dev", "Rotating"], orgs.Names);
        Assert.Equal(salesforce.Server.BaseUri, orgs.GetTokenClient("Sandbox").LoginUrl);
        Assert.Same(orgs.GetTokenClient("Sandbox"), app.GetRequiredKeyedService<SalesforceTokenClient>("Sandbox"));
        Assert.Equal(LimitsJson, body);
        Assert.Equal(1, salesforce.TokenRequests);
        salesforce.Server.AssertAllMatched(); // the client secret came through config: and matched the pinned value
        salesforce.Server.AssertAllUsed();
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Expired_session_renews_once_and_retries_once()
    {
        var cassette = SessionExpiresOnce()
            .Add(LoopbackSalesforce.Data("GET", LoopbackSalesforce.LimitsPath, "access_token_2"), ResponseTemplate.FromJson(200, LimitsJson));
        await using var salesforce = await LoopbackSalesforce.StartAsync(cassette, transcript, credentials);
        await using var app = SalesforceApp.Build(salesforce, credentials);
        using var http = app.GetRequiredService<ISalesforceOrgs>().CreateHttpClient("Sandbox");

        using var response = await http.GetAsync(LoopbackSalesforce.LimitsPath.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LimitsJson, await response.Content.ReadAsStringAsync());
        Assert.Equal(2, salesforce.TokenRequests);
        Assert.Equal(2, salesforce.DataRequests);
        salesforce.Server.AssertAllMatched();
        salesforce.Server.AssertAllUsed();
        Assert.Contains(transcript.Lines, l => l.Contains("SalesforceAuthHandler[10]", StringComparison.Ordinal)); // SessionInvalid logged
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Second_401_after_the_retry_is_returned_without_another_renewal()
    {
        var cassette = SessionExpiresOnce()
            .Add(new Interaction(LoopbackSalesforce.Data("GET", LoopbackSalesforce.LimitsPath, "access_token_2"), ResponseTemplate.FromJson(200, "{}"))
                .WithFault(Fault.InvalidSession()).Repeating());
        await using var salesforce = await LoopbackSalesforce.StartAsync(cassette, transcript, credentials);
        await using var app = SalesforceApp.Build(salesforce, credentials);
        using var http = app.GetRequiredService<ISalesforceOrgs>().CreateHttpClient("Sandbox");

        using var response = await http.GetAsync(LoopbackSalesforce.LimitsPath.TrimStart('/')).WaitAsync(HangGuard);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("INVALID_SESSION_ID", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, salesforce.TokenRequests);
        Assert.Equal(2, salesforce.DataRequests);
        salesforce.Server.AssertAllMatched();
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Request_limit_403_is_returned_without_renewal()
    {
        const string limitExceeded = """[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]""";
        var cassette = LoopbackSalesforce.Load("password-success")
            .Add(new Interaction(LoopbackSalesforce.Data("GET", LoopbackSalesforce.LimitsPath, "access_token"), ResponseTemplate.FromJson(403, limitExceeded)).Repeating());
        await using var salesforce = await LoopbackSalesforce.StartAsync(cassette, transcript, credentials);
        await using var app = SalesforceApp.Build(salesforce, credentials);
        using var http = app.GetRequiredService<ISalesforceOrgs>().CreateHttpClient("Sandbox");

        using var response = await http.GetAsync(LoopbackSalesforce.LimitsPath.TrimStart('/'));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("REQUEST_LIMIT_EXCEEDED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, salesforce.TokenRequests);
        Assert.Equal(1, salesforce.DataRequests);
        salesforce.Server.AssertAllMatched();
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_that_all_see_the_401_cause_one_renewal()
    {
        const int callers = 200;
        var cassette = LoopbackSalesforce.Load("password-success").Add(LoopbackSalesforce.PasswordSuccess("access_token_2"))
            .Add(new Interaction(LoopbackSalesforce.Data("GET", LoopbackSalesforce.LimitsPath, "access_token"), ResponseTemplate.FromJson(200, "{}"))
                .WithFault(Fault.InvalidSession()).Repeating())
            .Add(new Interaction(LoopbackSalesforce.Data("GET", LoopbackSalesforce.LimitsPath, "access_token_2"), ResponseTemplate.FromJson(200, LimitsJson)).Repeating());
        await using var salesforce = await LoopbackSalesforce.StartAsync(cassette, transcript, credentials);
        var gate = new FirstSends(callers);
        await using var app = SalesforceApp.Build(salesforce, credentials, services =>
            services.AddSandboxOrg().ApiClient.ConfigurePrimaryHttpMessageHandler(() => gate.Wrap(new SocketsHttpHandler())));
        var orgs = app.GetRequiredService<ISalesforceOrgs>();
        await orgs.GetTokenClient("Sandbox").GetTokenAsync(); // every caller starts with the same, soon expired, token

        // The first sends are held (after the token was attached) until all callers have sent: all of them carry the old token.
        var responses = await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            using var http = orgs.CreateHttpClient("Sandbox");
            using var response = await http.GetAsync(LoopbackSalesforce.LimitsPath.TrimStart('/'));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).WaitAsync(HangGuard);

        Assert.All(responses, r => Assert.Equal((HttpStatusCode.OK, LimitsJson), r));
        Assert.Equal(2, salesforce.TokenRequests); // the login, then exactly one renewal
        Assert.Equal(2 * callers, salesforce.DataRequests); // every caller: one 401, one retry
        salesforce.Server.AssertAllMatched();
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Post_body_from_a_stream_is_resent_intact_after_renewal()
    {
        var name = "Ünïcødé & Co. +1 = " + Guid.NewGuid().ToString("N");
        var cassette = LoopbackSalesforce.Load("password-success").Add(LoopbackSalesforce.PasswordSuccess("access_token_2"))
            .Add(new Interaction(LoopbackSalesforce.Data("POST", AccountsPath, "access_token").WithForm("Name", name).WithForm("Industry", "Energy"), ResponseTemplate.FromJson(200, "{}"))
                .WithFault(Fault.InvalidSession()))
            .Add(LoopbackSalesforce.Data("POST", AccountsPath, "access_token_2").WithForm("Name", name).WithForm("Industry", "Energy"),
                ResponseTemplate.FromJson(201, """{"id":"001FAKE000000001","success":true,"errors":[]}"""));
        await using var salesforce = await LoopbackSalesforce.StartAsync(cassette, transcript, credentials);
        await using var app = SalesforceApp.Build(salesforce, credentials);
        using var http = app.GetRequiredService<ISalesforceOrgs>().CreateHttpClient("Sandbox");

        // A forward-only stream: the handler must buffer it to send the same bytes twice.
        var bytes = Encoding.UTF8.GetBytes("Name=" + Uri.EscapeDataString(name) + "&Industry=Energy");
        using var content = new StreamContent(new ForwardOnlyStream(bytes));
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        using var response = await http.PostAsync(AccountsPath.TrimStart('/'), content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, salesforce.DataRequests);
        salesforce.Server.AssertAllMatched(); // the retry matched the body field by field
        salesforce.Server.AssertAllUsed();
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    /// <summary>Login (access_token), a data call answering 401 INVALID_SESSION_ID for it, then the renewal (access_token_2).</summary>
    private static Cassette SessionExpiresOnce() =>
        LoopbackSalesforce.Load("password-success")
            .Add(new Interaction(LoopbackSalesforce.Data("GET", LoopbackSalesforce.LimitsPath, "access_token"), ResponseTemplate.FromJson(200, "{}")).WithFault(Fault.InvalidSession()))
            .Add(LoopbackSalesforce.PasswordSuccess("access_token_2"));

    /// <summary>Holds the first <c>n</c> sends until all <c>n</c> have arrived; later sends (the retries) pass straight through.</summary>
    private sealed class FirstSends(int n)
    {
        private readonly TaskCompletionSource all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int count = n;
        private int arrived;

        public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Holding(this) { InnerHandler = inner };

        private sealed class Holding(FirstSends owner) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var index = Interlocked.Increment(ref owner.arrived);
                if (index == owner.count)
                {
                    owner.all.TrySetResult();
                }

                if (index <= owner.count)
                {
                    await owner.all.Task.WaitAsync(cancellationToken);
                }

                return await base.SendAsync(request, cancellationToken);
            }
        }
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
