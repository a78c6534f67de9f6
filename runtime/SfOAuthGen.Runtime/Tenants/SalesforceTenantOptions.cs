namespace SfOAuthGen.Runtime.Tenants;

/// <summary>How a <see cref="SalesforceTenantRegistry"/> finds tenants' settings and how many of their clients it keeps in memory.</summary>
public sealed class SalesforceTenantOptions
{
    /// <summary>
    /// The template org for tenants the app neither added nor finds in <see cref="Source"/>: such a tenant gets
    /// <see cref="SalesforceTenantSettings.Create"/> of it (the template's login URL, no refresh token of its own:
    /// it must be connected through the web-server flow first). When <see langword="null"/>, unknown tenants are an error.
    /// </summary>
    public SalesforceOrgSettings? Template { get; init; }

    /// <summary>The app's lookup of tenants' settings, asked before <see cref="Template"/>.</summary>
    public ISalesforceTenantSource? Source { get; init; }

    /// <summary>
    /// How the tenants' token clients reach Salesforce, resolve secrets, tell the time and where their chains are stored.
    /// The HTTP client (or the registry's own, when none is given) is shared by every tenant.
    /// </summary>
    public SalesforceTokenClientOptions ClientOptions { get; init; } = new();

    /// <summary>
    /// The most tenants whose clients stay in memory; beyond it the least recently used idle ones are evicted (their
    /// state stays in the token store and is read again on their next call).
    /// </summary>
    public int MaxActiveTenants { get; init; } = 1000;

    /// <summary>How long a tenant's client may go unused before it is evicted.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(20);
}
