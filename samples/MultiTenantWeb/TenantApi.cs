using System.Net.Http.Headers;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.Runtime.Tenants;

namespace MultiTenantWeb;

/// <summary>The app's own endpoints: call a tenant's org with the tenant's token; remove a tenant.</summary>
internal static class TenantApi
{
    /// <summary>Registers the tenants with a template org (here the generated one, re-pointed for the demo).</summary>
    public static IServiceCollection AddSalesforceTenantsFor(this IServiceCollection services, SalesforceOrgSettings template) =>
        services.AddSalesforceTenants(template);

    public static async Task<IResult> LimitsAsync(string tenant, ISalesforceTenants tenants, IHttpClientFactory httpClients, CancellationToken cancellationToken)
    {
        SalesforceToken token;
        try
        {
            token = await tenants.GetTokenAsync(tenant, cancellationToken);
        }
        catch (SalesforceConfigurationException)
        {
            return Results.Text($"Tenant '{tenant}' has not connected a Salesforce org yet.", statusCode: StatusCodes.Status409Conflict);
        }

        using var http = httpClients.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(token.InstanceUrl, "/services/data/v62.0/limits"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        using var response = await http.SendAsync(request, cancellationToken);
        return Results.Text($"Tenant '{tenant}': the org answered {(int)response.StatusCode}.", statusCode: (int)response.StatusCode);
    }

    public static async Task<IResult> RemoveAsync(string tenant, ISalesforceTenants tenants, CancellationToken cancellationToken)
    {
        var revoked = await tenants.RemoveAsync(tenant, cancellationToken);
        return Results.Text($"Tenant '{tenant}' removed{(revoked ? "; its refresh token was revoked" : string.Empty)}.");
    }
}
