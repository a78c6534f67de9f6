using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>A token-store lease that a renewal can outlive is a configuration that revokes chains: the client says so at start.</summary>
public class LeaseConfigurationTests
{
    public static TheoryData<double?, double, bool> Leases => new()
    {
        { 3, 30, true },    // a renewal may take up to 30 s, the lease lapses after 3
        { 30, 30, true },   // equal is not outlasting
        { 40, 30, false },
        { null, 30, false }, // the default: RequestTimeout + 10 s
        { 60, -1, true },   // no time-out: a request can outlive any lease
        { null, -1, false },
    };

    [Theory]
    [MemberData(nameof(Leases))]
    public void A_lease_that_does_not_outlast_the_request_timeout_is_warned_about(double? leaseSeconds, double timeoutSeconds, bool warned)
    {
        using var logs = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var client = new SalesforceTokenClient(TestOrg.Password(), new SalesforceTokenClientOptions
        {
            HttpClient = new HttpClient(new FakeTokenEndpoint()),
            LoggerFactory = factory,
            IsolatedTokenState = true,
            RequestTimeout = timeoutSeconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(timeoutSeconds),
            TokenStoreLeaseDuration = leaseSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        });

        var warnings = logs.Events("TokenStoreLeaseShorterThanRequest").ToList();
        Assert.Equal(warned ? 1 : 0, warnings.Count);
        if (warned)
        {
            Assert.Equal(LogLevel.Warning, warnings[0].Level);
            Assert.Contains(TestOrg.Name, warnings[0].Message, StringComparison.Ordinal);
            Assert.Contains("revokes the chain", warnings[0].Message, StringComparison.Ordinal);
        }
    }
}
