using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.Tenants;

namespace SfOAuthGen.AspNetCore;

/// <summary>
/// The endpoint pair that connects a tenant's Salesforce org through the web-server flow with PKCE:
/// <c>GET {prefix}/start/{tenant}</c> redirects to Salesforce's authorize URL with a <c>state</c> bound to the tenant
/// (unguessable, single-use, expiring) and to the browser that started (an HttpOnly cookie); <c>GET {prefix}/callback</c>
/// checks both, exchanges the code and stores the refresh token in the token store under the tenant's key. The tenant's
/// redirect URI must be the callback's URL.
/// </summary>
public static class SalesforceConnectEndpoints
{
    private const string PlainText = "text/plain; charset=utf-8";

    /// <summary>Maps the start and callback endpoints under <paramref name="prefix"/>; needs <c>AddSalesforceTenants</c>.</summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="prefix">The path both endpoints sit under, such as <c>/salesforce/connect</c>.</param>
    /// <param name="configure">Adjusts the state lifetime, the limit on pending connections, the access check and the final redirect.</param>
    /// <returns>The group of both endpoints: add <c>RequireAuthorization</c> and the like to it.</returns>
    /// <remarks>
    /// Started connections are kept in this process's memory: behind a load balancer, route the callback to the instance
    /// that served the start (sticky sessions). A forged, replayed or expired state gets a 400 that says so.
    /// </remarks>
    public static RouteGroupBuilder MapSalesforceConnect(this IEndpointRouteBuilder endpoints, string prefix = "/salesforce/connect", Action<SalesforceConnectOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new SalesforceConnectOptions();
        configure?.Invoke(options);
        var pending = new PendingConnections(options, endpoints.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System);
        var group = endpoints.MapGroup(prefix);
        var cookiePath = prefix.StartsWith('/') ? prefix : "/" + prefix;
        group.MapGet("/start/{tenant}", (string tenant, HttpContext context, ISalesforceTenants tenants) => StartAsync(tenant, context, tenants, options, pending, cookiePath));
        group.MapGet("/callback", (HttpContext context, ISalesforceTenants tenants) => CallbackAsync(context, tenants, options, pending, cookiePath));
        return group;
    }

    private static async Task<IResult> StartAsync(
        string tenant, HttpContext context, ISalesforceTenants tenants, SalesforceConnectOptions options, PendingConnections pending, string cookiePath)
    {
        if (options.CanConnect is { } canConnect && !await canConnect(context, tenant).ConfigureAwait(false))
        {
            return Results.Text("You may not connect a Salesforce org for this tenant.", PlainText, null, StatusCodes.Status403Forbidden);
        }

        SalesforceAuthorizationRequest request;
        try
        {
            request = await tenants.CreateAuthorizationRequestAsync(tenant, context.RequestAborted).ConfigureAwait(false);
        }
        catch (SalesforceConfigurationException ex)
        {
            // Settings problems name fields, never secret values.
            return Results.Text(ex.Message, PlainText, null, StatusCodes.Status400BadRequest);
        }

        // The callback must come back to the browser that started: a code captured from another login (login CSRF) is refused.
        var binding = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        if (!pending.TryAdd(request.State, tenant, request.CodeVerifier, binding))
        {
            return Results.Text("Too many Salesforce connections are in progress; try again in a few minutes.", PlainText, null, StatusCodes.Status503ServiceUnavailable);
        }

        context.Response.Cookies.Append(CookieName(request.State), binding, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax, // sent on Salesforce's top-level redirect back, not on cross-site subrequests
            Path = cookiePath,
            MaxAge = options.StateLifetime,
            IsEssential = true,
        });
        return Results.Redirect(request.Url.AbsoluteUri);
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext context, ISalesforceTenants tenants, SalesforceConnectOptions options, PendingConnections pending, string cookiePath)
    {
        var query = context.Request.Query;
        var state = query["state"].ToString();
        var cookie = state.Length == 0 ? null : CookieName(state);
        var binding = cookie is null ? null : context.Request.Cookies[cookie];
        if (!pending.TryTake(state, binding, out var tenant, out var codeVerifier, out var sameBrowser))
        {
            return Results.Text(
                "This Salesforce redirect's state is unknown, expired or already used (a forged or replayed link, or an old browser tab). Start connecting again.",
                PlainText, null, StatusCodes.Status400BadRequest);
        }

        context.Response.Cookies.Delete(cookie!, new CookieOptions { Path = cookiePath });
        if (!sameBrowser)
        {
            return Results.Text(
                "This Salesforce redirect did not come back to the browser that started connecting (a link from someone else?). Start connecting again in this browser.",
                PlainText, null, StatusCodes.Status400BadRequest);
        }

        if (query["error"].ToString() is { Length: > 0 } error)
        {
            var hint = error == "access_denied" ? " The admin chose Deny, or the connected app's policies do not allow this user." : string.Empty;
            return Results.Text($"Salesforce did not connect the org ({Clip(error)}: {Clip(query["error_description"].ToString())}).{hint} Start connecting again.", PlainText, null, StatusCodes.Status400BadRequest);
        }

        if (query["code"].ToString() is not { Length: > 0 } code)
        {
            return Results.Text("Salesforce sent the browser back without an authorization code. Start connecting again.", PlainText, null, StatusCodes.Status400BadRequest);
        }

        try
        {
            await tenants.CompleteAuthorizationAsync(tenant, code, codeVerifier, context.RequestAborted).ConfigureAwait(false);
        }
        catch (SalesforceAuthException ex)
        {
            // The message carries Salesforce's error and a hint, never the code, verifier or a token.
            return Results.Text(ex.Message, PlainText, null, ex.IsTransient ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest);
        }

        return options.RedirectAfterConnect is { } redirect
            ? Results.Redirect(redirect(tenant))
            : Results.Text("Salesforce org connected.", PlainText);
    }

    // One cookie per started connection (a browser may connect two tenants at once), named after a hash of its state.
    private static string CookieName(string state) =>
        "sfauth-connect-" + Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(state)), 0, 8).ToLowerInvariant();

    // Salesforce's error fields come from the query string: shown as plain text, and cut short.
    private static string Clip(string text) => text.Length <= 200 ? text : text[..200];
}
