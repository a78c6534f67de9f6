using System.Net;
using SfOAuthGen.Testing;

namespace MultiTenantWeb;

/// <summary>Plays a customer admin's browser against the app, and checks each answer.</summary>
internal static class Demo
{
    public static async Task<int> RunAsync(Uri app, AuthorizationServer salesforce)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = app };
        var failures = 0;
        void Check(bool ok, string what)
        {
            Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
            failures += ok ? 0 : 1;
        }

        Uri? acmeCallback = null;
        foreach (var tenant in new[] { "acme", "globex" })
        {
            using var start = await browser.GetAsync($"/salesforce/connect/start/{tenant}");
            using var authorize = await browser.GetAsync(start.Headers.Location);
            var callback = authorize.Headers.Location!;
            acmeCallback ??= callback;
            using var connected = await browser.GetAsync(callback);
            Check(connected.StatusCode == HttpStatusCode.Redirect, $"{tenant}: connected through the web-server flow, back at {connected.Headers.Location}");
            using var limits = await browser.GetAsync(connected.Headers.Location);
            Check(limits.StatusCode == HttpStatusCode.OK, $"{tenant}: {await limits.Content.ReadAsStringAsync()}");
        }

        using (var replayed = await browser.GetAsync(acmeCallback))
        {
            Check(replayed.StatusCode == HttpStatusCode.BadRequest, $"a replayed callback is refused: {(int)replayed.StatusCode} {await replayed.Content.ReadAsStringAsync()}");
        }

        using (var forged = await browser.GetAsync("/salesforce/connect/callback?code=aPrxFORGED&state=forged"))
        {
            Check(forged.StatusCode == HttpStatusCode.BadRequest, $"a forged state is refused: {(int)forged.StatusCode}");
        }

        var acmeRefreshToken = salesforce.Grants.First(g => g.GrantType == "authorization_code").RefreshTokenIssued!;
        using (var removed = await browser.DeleteAsync("/tenants/acme"))
        {
            Check(removed.IsSuccessStatusCode && salesforce.IsRevoked(acmeRefreshToken), $"acme: {await removed.Content.ReadAsStringAsync()}");
        }

        using (var gone = await browser.GetAsync("/tenants/acme/limits"))
        {
            Check(gone.StatusCode == HttpStatusCode.Conflict, $"acme after removal: {await gone.Content.ReadAsStringAsync()}");
        }

        using (var other = await browser.GetAsync("/tenants/globex/limits"))
        {
            Check(other.StatusCode == HttpStatusCode.OK, $"globex is untouched: {await other.Content.ReadAsStringAsync()}");
        }

        Console.WriteLine(failures == 0 ? "Demo finished: every step as expected." : $"Demo finished with {failures} unexpected answer(s).");
        return failures == 0 ? 0 : 1;
    }
}
