using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.DependencyInjection;

namespace WorkerSample;

/// <summary>
/// Reads the org's API limits twice through the org's API client. Between the two calls the session expires: the
/// client's <see cref="SalesforceAuthHandler"/> sees the 401 <c>INVALID_SESSION_ID</c>, renews the token once and
/// retries. Then it stops the host; the exit code says whether everything worked.
/// </summary>
internal sealed partial class LimitsWorker(ISalesforceOrgs orgs, IHostApplicationLifetime lifetime, ILogger<LimitsWorker> logger) : BackgroundService
{
    private const string LimitsPath = "services/data/v62.0/limits";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var org = DemoOrg.Settings.Name;
            using var http = orgs.CreateHttpClient(org);
            for (var call = 1; call <= 2; call++)
            {
                using var response = await http.GetAsync(LimitsPath, stoppingToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"GET {LimitsPath} answered {(int)response.StatusCode}.");
                }

                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stoppingToken));
                var daily = json.RootElement.GetProperty("DailyApiRequests");
                LogLimits(call, org, daily.GetProperty("Remaining").GetInt32(), daily.GetProperty("Max").GetInt32());
            }

            LogDone();
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // SalesforceAuthException messages carry Salesforce's error and a hint, never a secret.
            LogFailed(e.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Call {Call}: org {Org} has {Remaining} of {Max} daily API requests left")]
    private partial void LogLimits(int call, string org, int remaining, int max);

    [LoggerMessage(2, LogLevel.Information, "Done: both calls succeeded; stopping")]
    private partial void LogDone();

    [LoggerMessage(3, LogLevel.Error, "Failed: {Reason}")]
    private partial void LogFailed(string reason);
}
