using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

public class TelemetryTests
{
    [Fact]
    public async Task Acquired_renewed_and_failed_are_logged_with_org_and_flow()
    {
        using var host = new OrgHost();
        var issued = 0;
        host.Endpoint.Respond = (_, _) => Task.FromResult(Interlocked.Increment(ref issued) switch
        {
            1 => Responses.Success(),
            2 => Responses.Success(Secrets.AccessToken2),
            _ => Responses.Error("invalid_grant", "authentication failure"),
        });

        await host.Tokens.GetTokenAsync();
        await host.Tokens.RefreshAsync();
        await Assert.ThrowsAsync<SalesforceAuthException>(() => host.Tokens.RefreshAsync().AsTask());

        var acquired = Assert.Single(host.Logs.Events("TokenAcquired"));
        var renewed = Assert.Single(host.Logs.Events("TokenRenewed"));
        var failed = Assert.Single(host.Logs.Events("TokenFailed"));
        Assert.All([acquired, renewed, failed], r => Assert.Equal(TestOrg.Name, r.State["Org"]));
        Assert.All([acquired, renewed, failed], r => Assert.Equal("password", r.State["Flow"]));
        Assert.Equal(LogLevel.Information, acquired.Level);
        Assert.Equal(Responses.InstanceUrl, acquired.State["InstanceUrl"]?.TrimEnd('/'));
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Equal("invalid_grant", failed.State["Error"]);
        Assert.Equal("False", failed.State["Transient"]);
        Assert.IsType<SalesforceAuthException>(failed.Exception);
        Assert.Equal(typeof(SalesforceTokenClient).FullName, acquired.Category);
    }

    [Fact]
    public async Task A_transient_failure_is_a_warning()
    {
        using var host = new OrgHost();
        host.Endpoint.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
        {
            Content = new StringContent("<html>Down for maintenance</html>", Encoding.UTF8, "text/html"),
        });

        await Assert.ThrowsAsync<SalesforceAuthException>(() => host.Tokens.GetTokenAsync().AsTask());

        var failed = Assert.Single(host.Logs.Events("TokenFailed"));
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("True", failed.State["Transient"]);
    }

    [Fact]
    public async Task Token_requests_cache_hits_and_renewal_durations_are_measured()
    {
        using var host = new OrgHost();
        var issued = 0;
        host.Endpoint.Respond = (_, _) => Task.FromResult(Interlocked.Increment(ref issued) == 1
            ? Responses.Success()
            : Responses.Error("invalid_grant", "authentication failure"));
        using var requests = new MetricCollector<long>(host.MeterFactory, SalesforceDiagnostics.MeterName, SalesforceDiagnostics.TokenRequestsMetric);
        using var hits = new MetricCollector<long>(host.MeterFactory, SalesforceDiagnostics.MeterName, SalesforceDiagnostics.CacheHitsMetric);
        using var durations = new MetricCollector<double>(host.MeterFactory, SalesforceDiagnostics.MeterName, SalesforceDiagnostics.RenewalDurationMetric);

        await host.Tokens.GetTokenAsync();
        await host.Tokens.GetTokenAsync();
        await host.Tokens.GetTokenAsync();
        await Assert.ThrowsAsync<SalesforceAuthException>(() => host.Tokens.RefreshAsync().AsTask());

        var sent = requests.GetMeasurementSnapshot();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, m => Assert.Equal(TestOrg.Name, m.Tags["org"]));
        Assert.All(sent, m => Assert.Equal("password", m.Tags["flow"]));
        Assert.Equal(["success", "failure"], sent.Select(m => m.Tags["outcome"]));
        Assert.Equal(2, hits.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(["success", "failure"], durations.GetMeasurementSnapshot().Select(m => m.Tags["outcome"]));
        Assert.All(durations.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
    }

    [Fact]
    public async Task Each_token_request_is_an_activity_tagged_with_org_flow_and_outcome()
    {
        var org = "Traced" + Guid.NewGuid().ToString("N");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SalesforceDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("sfoauthgen.org") as string == org)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var host = new OrgHost(TestOrg.Refresh() with { Name = org });
        var issued = 0;
        host.Endpoint.Respond = (_, _) => Task.FromResult(Interlocked.Increment(ref issued) == 1
            ? Responses.Success()
            : Responses.Error("invalid_grant", "expired access/refresh token"));

        await host.Tokens.GetTokenAsync();
        await Assert.ThrowsAsync<SalesforceAuthException>(() => host.Tokens.RefreshAsync().AsTask());

        var activities = stopped.ToArray();
        Assert.Equal(2, activities.Length);
        Assert.All(activities, a => Assert.Equal(SalesforceDiagnostics.TokenRequestActivity, a.OperationName));
        Assert.All(activities, a => Assert.Equal("refresh_token", a.GetTagItem("sfoauthgen.flow")));
        Assert.Equal("success", activities[0].GetTagItem("sfoauthgen.outcome"));
        Assert.Equal(ActivityStatusCode.Error, activities[1].Status);
        Assert.Equal("invalid_grant", activities[1].GetTagItem("error.type"));
        foreach (var activity in activities)
        {
            foreach (var tag in activity.TagObjects)
            {
                Secrets.Observe(Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    [Fact]
    public async Task Revoke_and_introspect_are_activities_and_counted_requests_too_tagged_with_their_operation()
    {
        var org = "Operations" + Guid.NewGuid().ToString("N");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SalesforceDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("sfoauthgen.org") as string == org)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var host = new OrgHost(TestOrg.Refresh() with { Name = org });
        host.Endpoint.Respond = (request, _) => Task.FromResult(request.Uri!.AbsolutePath switch
        {
            "/services/oauth2/introspect" => new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("{\"active\":false}", System.Text.Encoding.UTF8, "application/json") },
            "/services/oauth2/revoke" => new HttpResponseMessage(System.Net.HttpStatusCode.OK),
            _ => Responses.Success(),
        });
        using var requests = new MetricCollector<long>(host.MeterFactory, SalesforceDiagnostics.MeterName, SalesforceDiagnostics.TokenRequestsMetric);

        await host.Tokens.IntrospectAsync();
        await host.Tokens.RevokeAsync();

        Assert.Equal(["token", "introspect", "revoke"], stopped.Select(a => (string?)a.GetTagItem("sfoauthgen.operation")));
        Assert.All(stopped, a => Assert.Equal("success", a.GetTagItem("sfoauthgen.outcome")));
        Assert.Equal(["token", "introspect", "revoke"], requests.GetMeasurementSnapshot().Select(m => m.Tags["operation"]));
    }

    [Fact]
    public async Task The_cached_path_of_a_client_from_dependency_injection_allocates_nothing()
    {
        using var host = new OrgHost();
        var client = host.Tokens;
        var token = await client.GetTokenAsync();
        for (var i = 0; i < 10; i++)
        {
            _ = client.GetTokenAsync(); // warm up
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var allSynchronous = CallCached(client, token, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allSynchronous);
        Assert.Equal(0, allocated);
    }

    private static bool CallCached(SalesforceTokenClient client, SalesforceToken expected, int times)
    {
        var allSynchronous = true;
        for (var i = 0; i < times; i++)
        {
            var pending = client.GetTokenAsync();
            allSynchronous &= pending.IsCompletedSuccessfully && ReferenceEquals(pending.Result, expected);
        }

        return allSynchronous;
    }

    /// <summary>
    /// Drives every path that logs (login, renewal after 401, retry rejected, token failures of both kinds, a missing
    /// secret, a foreign host) with Trace logging on, HttpClient's own header logging included, and searches every line
    /// for every secret in every encoding. Each line is also checked as it is written, in every test that uses OrgHost.
    /// </summary>
    [Fact]
    public async Task Log_output_never_contains_a_secret()
    {
        var settings = TestOrg.Password(ClientAuthentication.Basic) with
        {
            ClientSecret = SecretReference.Configuration("Vault:ClientSecret"),
        };
        using var host = new OrgHost(settings, new Dictionary<string, string?> { ["Vault:ClientSecret"] = Secrets.ClientSecret });
        var issued = 0;
        host.Endpoint.Respond = (_, _) => Task.FromResult(Interlocked.Increment(ref issued) switch
        {
            1 => Responses.Success(refreshToken: Secrets.RefreshToken),
            2 => Responses.Success(Secrets.AccessToken2, Secrets.RotatedRefreshToken),
            3 => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>" + Secrets.Password + "</html>", Encoding.UTF8, "text/html") },
            _ => Responses.Error("invalid_grant", "expired access/refresh token"),
        });
        host.Api.Respond = (_, _) => Task.FromResult(FakeDataApi.InvalidSession());
        using var http = host.CreateApiClient();

        (await http.PostAsync("services/data/v62.0/sobjects/Account", new StringContent("{\"Name\":\"Acme\"}", Encoding.UTF8, "application/json"))).Dispose();
        (await http.GetAsync("https://elsewhere.example.com/")).Dispose();
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<SalesforceAuthException>(() => host.Tokens.RefreshAsync().AsTask());
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAnyAsync<Exception>(() => host.Tokens.RefreshAsync().AsTask());

        var lines = host.Logs.Records.ToArray();
        Assert.Contains(lines, r => r.EventId.Name == "TokenAcquired");
        Assert.Contains(lines, r => r.EventId.Name == "TokenRenewed");
        Assert.Contains(lines, r => r.EventId.Name == "SessionInvalid");
        Assert.Contains(lines, r => r.EventId.Name == "RetryRejected");
        Assert.Equal(2, lines.Count(r => r.EventId.Name == "TokenFailed"));
        Assert.Contains(lines, r => r.Level == LogLevel.Trace); // HttpClient's header logging was on
        foreach (var line in lines)
        {
            Secrets.AssertClean(line.Message);
            Secrets.AssertClean(string.Join("\n", line.State.Values));
            Secrets.AssertClean(line.Exception?.ToString() ?? string.Empty);
        }
    }
}
