using SfOAuthGen.IntegrationTests.Infrastructure;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.AspNetCore;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.Runtime.Tenants;
using SfOAuthGen.TokenStore.Tests.Infrastructure;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>
/// The connect endpoints driven end to end: a test playing the browser follows the redirect to the loopback server's
/// authorize endpoint and back to the app's callback, which stores the tenant's refresh token.
/// </summary>
public sealed class ConnectTests
{
    [Fact]
    public async Task Connecting_a_tenant_stores_its_refresh_token_under_its_key_and_later_renewals_use_it()
    {
        await using var app = await ConnectApp.StartAsync();
        using var browser = Browser();

        var (status, body) = await ConnectAsync(browser, app, "acme");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Salesforce org connected.", body);
        var server = app.Salesforce.Authorization;
        var exchange = Assert.Single(server.Grants, g => g.GrantType == "authorization_code");
        var stored = await app.Store.ReadAsync(await app.StoreKeyAsync("acme"));
        Assert.Equal(exchange.RefreshTokenIssued, stored!.RefreshToken);

        // A fresh registry (another instance, a restart) renews from the store once the session ended: the refresh grant
        // sends the stored token.
        using var restarted = new SalesforceTenantRegistry(new SalesforceTenantOptions
        {
            Template = app.Template,
            ClientOptions = new SalesforceTokenClientOptions { TokenStore = app.Store, TimeProvider = app.Clock },
        });
        app.Clock.Advance(TimeSpan.FromHours(2));
        var token = await restarted.GetTokenAsync("acme");
        var refresh = Assert.Single(server.Grants, g => g.GrantType == "refresh_token");
        Assert.Equal(exchange.RefreshTokenIssued, refresh.RefreshTokenSent);
        Assert.Equal(refresh.AccessToken, token.AccessToken);
        Assert.Equal(0, server.ReuseViolations);
    }

    [Fact]
    public async Task A_forged_state_is_refused_with_400_and_exchanges_nothing()
    {
        await using var app = await ConnectApp.StartAsync();
        using var browser = Browser();
        await browser.GetAsync(app.Start("acme")); // a real connection is pending: its state is not the forged one

        using var forged = await browser.GetAsync(new Uri(app.BaseUri, "/salesforce/connect/callback?code=aPrxFORGEDCODE&state=forged-state"));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("state is unknown, expired or already used", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(app.Salesforce.Authorization.Grants);
    }

    [Fact]
    public async Task A_replayed_callback_is_refused_with_400_and_leaves_the_stored_chain_alone()
    {
        await using var app = await ConnectApp.StartAsync();
        using var browser = Browser();
        using var start = await browser.GetAsync(app.Start("acme"));
        using var authorize = await browser.GetAsync(start.Headers.Location);
        var callback = authorize.Headers.Location!;
        using (var first = await browser.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var stored = await app.Store.ReadAsync(await app.StoreKeyAsync("acme"));
        using var replayed = await browser.GetAsync(callback);

        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Contains("already used", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(app.Salesforce.Authorization.Grants);
        Assert.Equal(stored!.Generation, (await app.Store.ReadAsync(await app.StoreKeyAsync("acme")))!.Generation);
    }

    [Fact]
    public async Task A_callback_opened_in_another_browser_is_refused_with_400_and_exchanges_nothing()
    {
        await using var app = await ConnectApp.StartAsync();
        using var starter = Browser();
        using var start = await starter.GetAsync(app.Start("acme"));
        using var authorize = await starter.GetAsync(start.Headers.Location);

        // Someone else's browser (a link sent to a victim: login CSRF) brings the code back.
        using var other = Browser();
        using var stolen = await other.GetAsync(authorize.Headers.Location);

        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        Assert.Contains("did not come back to the browser that started", await stolen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(app.Salesforce.Authorization.Grants);
        Assert.Null(await app.Store.ReadAsync(await app.StoreKeyAsync("acme")));
    }

    [Fact]
    public async Task An_expired_state_is_refused_with_400()
    {
        await using var app = await ConnectApp.StartAsync();
        using var browser = Browser();
        using var start = await browser.GetAsync(app.Start("acme"));
        using var authorize = await browser.GetAsync(start.Headers.Location);
        app.Clock.Advance(TimeSpan.FromMinutes(11));

        using var late = await browser.GetAsync(authorize.Headers.Location);

        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Empty(app.Salesforce.Authorization.Grants);
    }

    [Fact]
    public async Task Starts_beyond_the_pending_limit_are_refused_with_503_and_an_unknown_tenant_with_400()
    {
        await using var app = await ConnectApp.StartAsync(maxPending: 2);
        using var browser = Browser();

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(app.Start("a"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(app.Start("b"))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await browser.GetAsync(app.Start("c"))).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(11)); // the two pending ones expire and are swept
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync(app.Start("c"))).StatusCode);
    }

    [Fact]
    public async Task The_state_of_one_tenant_connects_only_that_tenant()
    {
        await using var app = await ConnectApp.StartAsync();
        using var browser = Browser();

        Assert.Equal(HttpStatusCode.OK, (await ConnectAsync(browser, app, "first")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ConnectAsync(browser, app, "second")).Status);

        var grants = app.Salesforce.Authorization.Grants.Where(g => g.GrantType == "authorization_code").ToArray();
        Assert.Equal(grants[0].RefreshTokenIssued, (await app.Store.ReadAsync(await app.StoreKeyAsync("first")))!.RefreshToken);
        Assert.Equal(grants[1].RefreshTokenIssued, (await app.Store.ReadAsync(await app.StoreKeyAsync("second")))!.RefreshToken);
    }

    [Fact]
    public async Task No_token_or_client_secret_reaches_the_logs_at_Trace_the_pages_or_the_redirects()
    {
        var logs = new CollectingLogger();
        await using var app = await ConnectApp.StartAsync(logs);
        using var browser = Browser();
        var seen = new System.Text.StringBuilder();

        using var start = await browser.GetAsync(app.Start("acme"));
        using var authorize = await browser.GetAsync(start.Headers.Location);
        foreach (var callback in new[] { authorize.Headers.Location!, authorize.Headers.Location!, new Uri(app.BaseUri, "/salesforce/connect/callback?error=access_denied&error_description=no&state=x") })
        {
            using var page = await browser.GetAsync(callback);
            seen.Append(page.Headers.Location).Append('\n').Append(await page.Content.ReadAsStringAsync()).Append('\n');
        }

        seen.Append(start.Headers.Location).Append('\n');
        await app.Web.Services.GetRequiredService<ISalesforceTenants>().RefreshAsync("acme"); // a renewal, logged by the runtime
        Assert.NotEmpty(app.Salesforce.Authorization.Grants); // the scan covers the tokens the exchange issued
        SecretScan.AssertNone(seen.ToString(), app.Salesforce.Secrets, where: "the pages and redirects");
        Assert.Contains(logs.Entries, e => e.Text.Contains("Customers", StringComparison.Ordinal)); // the runtime did log
        SecretScan.AssertNone(logs.AllText, app.Salesforce.Secrets, where: "the logs at Trace");
    }

    private static HttpClient Browser() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true });

    /// <summary>Start, follow the redirect to Salesforce's authorize endpoint, follow its redirect back to the callback.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> ConnectAsync(HttpClient browser, ConnectApp app, string tenant)
    {
        using var start = await browser.GetAsync(app.Start(tenant));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(new Uri(app.Salesforce.Server.BaseUri, "/services/oauth2/authorize").AbsoluteUri, start.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        using var authorize = await browser.GetAsync(start.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        Assert.StartsWith(app.Callback.AbsoluteUri, authorize.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        using var callback = await browser.GetAsync(authorize.Headers.Location);
        return (callback.StatusCode, await callback.Content.ReadAsStringAsync());
    }

    /// <summary>A minimal web app with the connect endpoints, on loopback, against the rotating test server.</summary>
    private sealed class ConnectApp : IAsyncDisposable
    {
        private ConnectApp(WebApplication web, RotatingSalesforce salesforce, Uri baseUri, SalesforceOrgSettings template, MemoryTokenStore store, FakeTimeProvider clock)
        {
            Web = web;
            Salesforce = salesforce;
            BaseUri = baseUri;
            Template = template;
            Store = store;
            Clock = clock;
        }

        public WebApplication Web { get; }

        public RotatingSalesforce Salesforce { get; }

        public Uri BaseUri { get; }

        public Uri Callback => new(BaseUri, "/salesforce/connect/callback");

        public SalesforceOrgSettings Template { get; }

        public MemoryTokenStore Store { get; }

        public FakeTimeProvider Clock { get; }

        public static async Task<ConnectApp> StartAsync(CollectingLogger? logs = null, int maxPending = 10_000)
        {
            var salesforce = await RotatingSalesforce.StartAsync();
            var baseUri = new Uri($"http://127.0.0.1:{FreePort()}/");
            var template = salesforce.Settings with
            {
                Name = "Customers",
                Flow = SalesforceFlow.WebServer,
                RefreshToken = null,
                RedirectUri = new Uri(baseUri, "/salesforce/connect/callback"),
            };
            var store = new MemoryTokenStore();
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(baseUri.AbsoluteUri);
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
            }

            builder.Services.AddSingleton<ISalesforceTokenStore>(store);
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddSalesforceTenants(template); // its clients log through the app's factory, so into the collector too

            var web = builder.Build();
            web.MapSalesforceConnect(configure: o => o.MaxPendingConnections = maxPending);
            await web.StartAsync();
            return new ConnectApp(web, salesforce, baseUri, template, store, clock);
        }

        public Uri Start(string tenant) => new(BaseUri, "/salesforce/connect/start/" + tenant);

        public ValueTask<string> StoreKeyAsync(string tenant)
        {
            using var probe = new SalesforceTokenClient(SalesforceTenantSettings.Create(Template, tenant), new SalesforceTokenClientOptions { IsolatedTokenState = true });
            return StoreKeys.OfAsync(probe);
        }

        public async ValueTask DisposeAsync()
        {
            await Web.StopAsync();
            await Web.DisposeAsync();
            await Salesforce.DisposeAsync();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
