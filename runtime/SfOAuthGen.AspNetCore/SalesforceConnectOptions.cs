using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.AspNetCore;

/// <summary>How the connect endpoints (<see cref="SalesforceConnectEndpoints.MapSalesforceConnect"/>) bind, check and finish a connection.</summary>
public sealed class SalesforceConnectOptions
{
    /// <summary>How long a started connection's <c>state</c> stays valid: the time a customer admin has to log in and allow access.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The most connections waiting for their callback at once; beyond it, starts are refused with 503 (so memory stays bounded).</summary>
    public int MaxPendingConnections { get; set; } = 10_000;

    /// <summary>
    /// Whether the signed-in user may connect the tenant (their own tenant, an admin role…). When <see langword="null"/>,
    /// anyone who reaches the start endpoint may: protect it with <c>RequireAuthorization</c> on the returned group, or set this.
    /// </summary>
    public Func<HttpContext, string, ValueTask<bool>>? CanConnect { get; set; }

    /// <summary>Where the browser goes after a tenant is connected (given the tenant key); when <see langword="null"/>, a short plain-text page.</summary>
    public Func<string, string>? RedirectAfterConnect { get; set; }
}
