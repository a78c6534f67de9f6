// A brand-new console project that installed SfOAuthGen and SfOAuthGen.Testing from packages: gets a token for
// each org of its sfauth.json from the recorded-response server, with secrets from environment variables.
using FreshConsumer.Salesforce;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

await using var server = await RecordedResponseServer.StartAsync(Cassette.Load(Path.Combine(AppContext.BaseDirectory, "cassette.json")));
var options = new SalesforceTokenClientOptions { LoginUrl = server.BaseUri };

using var sandbox = SandboxOrg.CreateClient(options);
using var integration = IntegrationOrg.CreateClient(options);
foreach (var client in new[] { sandbox, integration })
{
    var token = await client.GetTokenAsync();
    Console.WriteLine($"{client.Settings.Name} ({client.Settings.Flow}): {token}");
}

server.AssertAllMatched();
server.AssertAllUsed();
Console.WriteLine("fresh consumer: every org got a token");
