using System.Net;
using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.IntegrationTests.Infrastructure;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests;

/// <summary>The generated org clients against the recorded-response server and the committed cassettes, over real sockets.</summary>
public class TokenFlowTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly Credentials credentials = Credentials.Create();
    private readonly Transcript transcript = new();

    [Fact]
    public async Task Password_flow_returns_the_issued_token_and_caches_it()
    {
        await using var salesforce = await LoopbackSalesforce.StartAsync(LoopbackSalesforce.Load("password-success"), transcript, credentials);
        using var client = salesforce.CreateSandboxClient(credentials);

        var token = await client.GetTokenAsync();
        var again = await client.GetTokenAsync();

        Assert.Equal(salesforce.Server.Secrets["access_token"], token.AccessToken);
        Assert.Equal(salesforce.Server.BaseUri.Authority, token.InstanceUrl.Authority); // instance_url rewritten to the server
        Assert.Null(token.RefreshToken);
        Assert.Same(token, again);
        Assert.Equal(1, salesforce.TokenRequests);
        salesforce.Server.AssertAllMatched(); // Basic client auth, password + security token: all pinned to this test's values
        salesforce.Server.AssertAllUsed();
        transcript.Add(token.ToString());
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Refresh_flow_sends_the_configured_refresh_token()
    {
        await using var salesforce = await LoopbackSalesforce.StartAsync(LoopbackSalesforce.Load("refresh-success"), transcript, credentials);
        using var client = salesforce.CreateDevHubClient(credentials);

        var token = await client.GetTokenAsync();

        Assert.Equal(salesforce.Server.Secrets["access_token"], token.AccessToken);
        Assert.Equal("api refresh_token", token.Scope);
        Assert.Equal(1, salesforce.TokenRequests);
        salesforce.Server.AssertAllMatched();
        salesforce.Server.AssertAllUsed();
        transcript.Add(token.ToString());
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Password_flow_without_refresh_token_renews_by_logging_in_again()
    {
        var cassette = LoopbackSalesforce.Load("password-success").Add(LoopbackSalesforce.PasswordSuccess("access_token_2"));
        await using var salesforce = await LoopbackSalesforce.StartAsync(cassette, transcript, credentials);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = salesforce.CreateSandboxClient(credentials, time);

        var first = await client.GetTokenAsync();
        time.Advance(SfOAuthGen.Samples.Integration.SandboxOrg.Settings.SessionLifetime);
        var renewed = await client.GetTokenAsync();

        Assert.Equal(salesforce.Server.Secrets["access_token"], first.AccessToken);
        Assert.Equal(salesforce.Server.Secrets["access_token_2"], renewed.AccessToken);
        Assert.Equal(2, salesforce.TokenRequests); // both matched grant_type=password with the pinned password
        salesforce.Server.AssertAllMatched();
        salesforce.Server.AssertAllUsed();
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Rotation_sends_each_new_refresh_token_once_and_never_a_superseded_one()
    {
        await using var salesforce = await LoopbackSalesforce.StartAsync(LoopbackSalesforce.Load("refresh-rotation"), transcript, credentials);
        var sent = new FormCapture();
        using var http = new HttpClient(sent);
        using var client = salesforce.CreateDevHubClient(credentials, http: http);

        var first = await client.GetTokenAsync();
        var second = await client.RefreshAsync();
        var third = await client.RefreshAsync();

        var secrets = salesforce.Server.Secrets;
        Assert.Equal([credentials.RefreshToken, secrets["refresh_token_2"], secrets["refresh_token_3"]], sent.Values("refresh_token"));
        Assert.Equal([secrets["access_token"], secrets["access_token_2"], secrets["access_token_3"]], [first.AccessToken, second.AccessToken, third.AccessToken]);
        // Each interaction accepts only the token the previous one issued, and answers once: three requests, all matched,
        // all used, means the server saw each rotated token exactly once and no superseded one.
        Assert.Equal(3, salesforce.TokenRequests);
        Assert.Empty(salesforce.Server.UnmatchedRequests);
        salesforce.Server.AssertAllUsed();
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    public static TheoryData<string, bool, string, string> ErrorCassettes => new()
    {
        { "error-authentication-failure", true, "invalid_grant", "authentication failure" },
        { "error-expired-refresh-token", false, "invalid_grant", "expired access/refresh token" },
        { "error-invalid-client-id", true, "invalid_client_id", "client identifier invalid" },
        { "error-invalid-client", true, "invalid_client", "invalid client credentials" },
        { "error-unsupported-grant-type", false, "unsupported_grant_type", "grant type not supported" },
    };

    [Theory]
    [MemberData(nameof(ErrorCassettes))]
    public async Task Error_cassette_becomes_a_final_SalesforceAuthException(string cassette, bool passwordOrg, string error, string description)
    {
        await using var salesforce = await LoopbackSalesforce.StartAsync(LoopbackSalesforce.Load(cassette), transcript, credentials);
        using var client = passwordOrg ? salesforce.CreateSandboxClient(credentials) : salesforce.CreateDevHubClient(credentials);

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync());

        Assert.Equal(error, exception.Error);
        Assert.Equal(description, exception.ErrorDescription);
        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.False(exception.IsTransient);
        Assert.False(string.IsNullOrWhiteSpace(exception.Hint));
        Assert.Contains(error, exception.Message, StringComparison.Ordinal);
        Assert.Equal(1, salesforce.TokenRequests);
        salesforce.Server.AssertAllMatched();
        transcript.Add(exception);
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Maintenance_page_on_first_login_is_a_transient_503()
    {
        await using var salesforce = await LoopbackSalesforce.StartAsync(LoopbackSalesforce.Load("maintenance-503"), transcript, credentials);
        using var client = salesforce.CreateSandboxClient(credentials);

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(async () => await client.GetTokenAsync().AsTask().WaitAsync(HangGuard));

        Assert.True(exception.IsTransient);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, exception.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(exception.Hint));
        Assert.DoesNotContain("<html", exception.Message, StringComparison.OrdinalIgnoreCase);
        transcript.Add(exception);
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    public static TheoryData<string> Faults => ["delay", "maintenance", "truncate", "reset"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Fault_during_forced_renewal_is_transient_and_keeps_the_valid_cached_token(string fault)
    {
        var failing = LoopbackSalesforce.PasswordSuccess("access_token_2").WithFault(fault switch
        {
            "delay" => Fault.DelayHeaders(TimeSpan.FromHours(1)), // ends when the client gives up or the server stops
            "maintenance" => Fault.Maintenance(),
            "truncate" => Fault.Truncate(40),
            _ => Fault.ResetAfter(40),
        });
        await using var salesforce = await LoopbackSalesforce.StartAsync(LoopbackSalesforce.Load("password-success").Add(failing), transcript, credentials);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var requestTimeout = TimeSpan.FromSeconds(5);
        using var client = salesforce.CreateSandboxClient(credentials, time, requestTimeout: requestTimeout);
        var cached = await client.GetTokenAsync();

        var renewal = client.RefreshAsync().AsTask();
        if (fault == "delay")
        {
            await salesforce.WhenTokenRequestsReach(2).WaitAsync(HangGuard);
            time.Advance(requestTimeout + TimeSpan.FromSeconds(1));
        }

        var exception = await Assert.ThrowsAsync<SalesforceAuthException>(() => renewal.WaitAsync(HangGuard));
        var after = await client.GetTokenAsync();

        Assert.True(exception.IsTransient, exception.Message);
        Assert.False(string.IsNullOrWhiteSpace(exception.Hint));
        if (fault == "maintenance")
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, exception.StatusCode);
        }

        Assert.Same(cached, after);
        Assert.Equal(salesforce.Server.Secrets["access_token"], after.AccessToken);
        Assert.Equal(2, salesforce.TokenRequests);
        transcript.Add(exception);
        transcript.AssertNoSecret(credentials, salesforce.IssuedTokens);
    }

    [Fact]
    public async Task Five_hundred_concurrent_callers_cause_one_token_request()
    {
        await using var salesforce = await LoopbackSalesforce.StartAsync(LoopbackSalesforce.Load("password-success"), transcript, credentials);
        var gate = new HeldRequests();
        using var http = new HttpClient(gate);
        using var client = salesforce.CreateSandboxClient(credentials, http: http);

        // The first caller's request is held at the client's socket layer until every other caller has asked.
        var callers = new List<Task<SalesforceToken>> { client.GetTokenAsync().AsTask() };
        await gate.FirstArrived.WaitAsync(HangGuard);
        for (var i = 1; i < 500; i++)
        {
            callers.Add(client.GetTokenAsync().AsTask());
        }

        gate.Release();
        var tokens = await Task.WhenAll(callers).WaitAsync(HangGuard);

        Assert.Equal(1, salesforce.TokenRequests);
        Assert.Equal(1, gate.Count);
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
        salesforce.Server.AssertAllMatched();
    }

    /// <summary>Records the form fields of every request the client sends.</summary>
    private sealed class FormCapture() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly List<Dictionary<string, string>> forms = [];

        public string[] Values(string field)
        {
            lock (forms)
            {
                return forms.Select(f => f.GetValueOrDefault(field) ?? "(absent)").ToArray();
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var form = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split('=', 2);
                form.TryAdd(WebUtility.UrlDecode(parts[0]), WebUtility.UrlDecode(parts.Length > 1 ? parts[1] : string.Empty));
            }

            lock (forms)
            {
                forms.Add(form);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Holds requests until <see cref="Release"/>, and counts them.</summary>
    private sealed class HeldRequests() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly TaskCompletionSource first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int count;

        public Task FirstArrived => first.Task;

        public int Count => Volatile.Read(ref count);

        public void Release() => released.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref count);
            first.TrySetResult();
            await released.Task.WaitAsync(cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
