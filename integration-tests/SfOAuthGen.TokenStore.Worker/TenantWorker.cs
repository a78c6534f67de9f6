using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.Tenants;

/// <summary>The worker's tenants mode: one connected app, many tenants, each called by N concurrent callers per round.</summary>
internal static class TenantWorker
{
    public static async Task RunAsync(IServiceProvider provider, SalesforceOrgSettings template, string tenantList, int callers)
    {
        var tenants = provider.GetRequiredService<ISalesforceTenants>();
        var ids = new List<string>();
        foreach (var pair in tenantList.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (id, refreshToken) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            tenants.Add(id, SalesforceTenantSettings.Create(template with { RefreshToken = null }, id, refreshToken: SecretReference.Literal(refreshToken)));
            ids.Add(id);
        }

        using var http = new HttpClient();
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
            await Task.WhenAll(ids.SelectMany(id => Enumerable.Range(0, callers).Select(async _ =>
            {
                try
                {
                    if (await CallAsync(http, tenants, id))
                    {
                        Interlocked.Increment(ref ok);
                        return;
                    }

                    Interlocked.CompareExchange(ref firstError, $"tenant {id}: API call refused twice", null);
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                }

                Interlocked.Increment(ref failed);
            })));
            Console.Out.WriteLine($"done ok={ok} failed={failed}{(firstError is null ? string.Empty : " error=" + firstError.ReplaceLineEndings(" "))}");
        }
    }

    /// <summary>One API call as the tenant; on 401 INVALID_SESSION_ID the token is dropped and the call retried once.</summary>
    private static async Task<bool> CallAsync(HttpClient http, ISalesforceTenants tenants, string id)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var token = await tenants.GetTokenAsync(id);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(token.InstanceUrl, "/services/data/v62.0/limits"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return response.IsSuccessStatusCode;
            }

            tenants.Invalidate(id, token);
        }

        return false;
    }
}
