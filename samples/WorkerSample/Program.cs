using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.Testing;
using WorkerSample;

// Salesforce is played by an in-process recorded-response server replaying the embedded cassette, so the sample runs
// anywhere with no org, no secrets and no network. In a real app, drop the server and the LoginUrl override.
await using var salesforce = await RecordedResponseServer.StartAsync(DemoCassette.Load());

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Salesforce:Orgs:Demo:LoginUrl"] = salesforce.BaseUri.ToString(),
});
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);

builder.Services.AddSalesforceOrgs(); // generated from sfauth.json: registers DemoOrg
builder.Services.Configure<SalesforceOrgOptions>(DemoOrg.Settings.Name, o => o.SecretResolver = new DemoSecrets());
builder.Services.AddHostedService<LimitsWorker>();

using (var host = builder.Build())
{
    await host.RunAsync();
}

try
{
    salesforce.AssertAllMatched();
    salesforce.AssertAllUsed();
}
catch (CassetteMismatchException e)
{
    Console.Error.WriteLine("The conversation with Salesforce was not the expected one: " + e.Message);
    return 1;
}

return Environment.ExitCode;
