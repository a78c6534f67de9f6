namespace SfOAuthGen.Runtime.Tenants;

/// <summary>Makes a tenant's settings from a template org: the connected app and flow of the template, the rest per tenant.</summary>
public static class SalesforceTenantSettings
{
    /// <summary>
    /// The settings of <paramref name="tenant"/>: the template's connected app (client id and secret, client
    /// authentication, redirect URI, scope, flow, session) with the tenant's own login URL, user and refresh token.
    /// </summary>
    /// <param name="template">The template org, typically a generated <c>XOrg.Settings</c> of an org marked <c>"template": true</c>.</param>
    /// <param name="tenant">The app's key for the tenant; part of every cache and store key.</param>
    /// <param name="loginUrl">The tenant's My Domain or login host; the template's when <see langword="null"/>.</param>
    /// <param name="username">The tenant's user (JWT bearer, password flows); the template's when <see langword="null"/>.</param>
    /// <param name="refreshToken">
    /// The tenant's refresh token; <see langword="null"/> when the tenant connects through the web-server flow, whose
    /// chain the token store holds.
    /// </param>
    /// <returns>Settings whose <see cref="SalesforceOrgSettings.Tenant"/> is <paramref name="tenant"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="tenant"/> is empty.</exception>
    public static SalesforceOrgSettings Create(
        SalesforceOrgSettings template, string tenant, Uri? loginUrl = null, SecretReference? username = null, SecretReference? refreshToken = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        return template with
        {
            Tenant = tenant,
            LoginUrl = loginUrl ?? template.LoginUrl,
            Username = username ?? template.Username,
            RefreshToken = refreshToken, // a template's own refresh token would be shared by every tenant: never inherited
        };
    }
}
