using System.Net;
using System.Net.Sockets;
using MultiTenantWeb;
using SfOAuthGen.AspNetCore;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

// A SaaS web app with one Salesforce connected app and many customer orgs (tenants):
//   GET    /salesforce/connect/start/{tenant}  -> Salesforce's authorize page (web-server flow + PKCE)
//   GET    /salesforce/connect/callback        -> exchanges the code, stores the tenant's refresh token
//   GET    /tenants/{tenant}/limits            -> calls the tenant's org with the tenant's own token
//   DELETE /tenants/{tenant}                   -> revokes the tenant's refresh token and deletes its state
// Salesforce is played by an in-process loopback server. With --demo the program plays the browser for two tenants,
// checks every answer, and exits (0 when all went as expected), so CI can run it.
const string ClientId = "3MVG9FAKEMULTITENANTSAMPLECLIENTID000000000000000000000000000000";
const string ClientSecret = "FAKE0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789AB";
var demo = args.Contains("--demo");
Environment.SetEnvironmentVariable("SF_APP_CLIENT_ID", ClientId); // sfauth.json references env:SF_APP_CLIENT_ID
Environment.SetEnvironmentVariable("SF_APP_CLIENT_SECRET", ClientSecret);

await using var salesforce = await RecordedResponseServer.StartAsync(new Cassette(), new RecordedResponseServerOptions
{
    Authorization = new AuthorizationServerOptions { ClientId = ClientId, ClientSecret = ClientSecret, RotateRefreshTokens = true, ServeDataApi = true },
});

var app = new Uri($"http://127.0.0.1:{FreePort()}/");
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(app.AbsoluteUri);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
if (demo)
{
    // The demo calls a removed tenant on purpose; the runtime's error log of that expected failure would only be noise.
    builder.Logging.AddFilter("SfOAuthGen.Runtime", LogLevel.Critical);
}

// The generated template (CustomersOrg.Settings) pointed at the loopback server and this app's callback. In production:
// services.AddCustomersOrgTenants() plus a persistent store (AddRedisTokenStore or AddFileTokenStore).
builder.Services.AddSingleton<ISalesforceTokenStore>(new MemoryTokenStore());
builder.Services.AddSalesforceTenantsFor(CustomersOrg.Settings with
{
    LoginUrl = salesforce.BaseUri,
    RedirectUri = new Uri(app, "/salesforce/connect/callback"),
});
builder.Services.AddHttpClient();

var web = builder.Build();
web.MapSalesforceConnect(configure: o => o.RedirectAfterConnect = tenant => $"/tenants/{Uri.EscapeDataString(tenant)}/limits");
web.MapGet("/tenants/{tenant}/limits", TenantApi.LimitsAsync);
web.MapDelete("/tenants/{tenant}", TenantApi.RemoveAsync);
await web.StartAsync();

if (!demo)
{
    Console.WriteLine($"Open {new Uri(app, "/salesforce/connect/start/acme")} to connect tenant 'acme' (Ctrl+C to stop).");
    await web.WaitForShutdownAsync();
    return 0;
}

var outcome = await Demo.RunAsync(app, salesforce.Authorization!);
await web.StopAsync();
return outcome;

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
