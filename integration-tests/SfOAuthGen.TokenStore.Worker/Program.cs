// One instance of a service that calls a Salesforce org's data API through the DI client, with its token state in a
// shared store. The cross-process tests start several and drive them over stdin:
//   "round" -> N concurrent API calls (each renews through the store on a 401), answered "done ok=<n> failed=<n>"
//   "quit"  -> exit 0
// Arguments: <login url> <store: redis=CONFIG | file=DIR> <callers> <lease ms> [<data protection keys dir>]
// Secrets come from the environment (SF_CLIENT_ID, SF_CLIENT_SECRET, SF_REFRESH_TOKEN), as a real service's would.
// With SF_TENANTS set (tenant=refresh token, comma-separated), it serves those tenants through ISalesforceTenants instead:
// a round is N concurrent API calls per tenant.
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Redis;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.DependencyInjection;
using StackExchange.Redis;

var loginUrl = new Uri(args[0]);
var store = args[1];
var callers = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var lease = TimeSpan.FromMilliseconds(int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
var keys = args.Length > 4 ? args[4] : null;

var settings = new SalesforceOrgSettings
{
    Name = "Rotating",
    LoginUrl = loginUrl,
    Flow = SalesforceFlow.RefreshToken,
    ClientId = SecretReference.Environment("SF_CLIENT_ID"),
    ClientSecret = SecretReference.Environment("SF_CLIENT_SECRET"),
    RefreshToken = SecretReference.Environment("SF_REFRESH_TOKEN"),
};

var services = new ServiceCollection();
// Logs go to stderr: stdout carries the protocol.
services.AddLogging(logging => logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
    .SetMinimumLevel(LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Error));
if (keys is not null)
{
    // Every instance shares the key ring, as a real deployment must for Data Protection.
    services.AddDataProtection().SetApplicationName("sfoauthgen-worker").PersistKeysToFileSystem(new DirectoryInfo(keys));
}

if (store.StartsWith("redis=", StringComparison.Ordinal))
{
    var redis = ConfigurationOptions.Parse(store["redis=".Length..]);
    redis.AbortOnConnectFail = false;
    services.AddRedisTokenStore(_ => ConnectionMultiplexer.Connect(redis));
}
else
{
    services.AddFileTokenStore(store["file=".Length..]);
}

if (Environment.GetEnvironmentVariable("SF_TENANTS") is { Length: > 0 } tenantList)
{
    services.AddSalesforceTenants(settings with { RefreshToken = null });
    await using var tenantProvider = services.BuildServiceProvider();
    await TenantWorker.RunAsync(tenantProvider, settings, tenantList, callers);
    return;
}

services.AddSalesforceOrg(settings, options => options.TokenStoreLeaseDuration = lease);
await using var provider = services.BuildServiceProvider();
var orgs = provider.GetRequiredService<ISalesforceOrgs>();
Console.Out.WriteLine("ready");

while (Console.In.ReadLine() is { } command)
{
    if (command == "quit")
    {
        break;
    }

    var ok = 0;
    var failed = 0;
    string? firstError = null;
    await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
    {
        try
        {
            using var http = orgs.CreateHttpClient(settings.Name);
            using var response = await http.GetAsync("/services/data/v62.0/limits");
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref ok);
                return;
            }

            Interlocked.CompareExchange(ref firstError, $"HTTP {(int)response.StatusCode}", null);
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
        }

        Interlocked.Increment(ref failed);
    }));
    Console.Out.WriteLine($"done ok={ok} failed={failed}{(firstError is null ? string.Empty : " error=" + firstError.ReplaceLineEndings(" "))}");
}
