using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

/// <summary>
/// The login page of the authorize endpoint (<see cref="AuthorizationServerOptions.ServesLoginForm"/>): a GET of the
/// authorize URL shows a form that carries the authorize parameters in hidden fields; posting it with the right username
/// sends the browser (303) back to the authorize URL marked as logged in, which redirects to the app with a code.
/// </summary>
public sealed partial class AuthorizationServer
{
    private const string AuthorizePath = "/services/oauth2/authorize";
    private const string LoggedInMarker = "sfoauthgen_logged_in";

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _formLogins = new();

    /// <summary>The usernames submitted through the login form and accepted, in order.</summary>
    public IReadOnlyList<string> FormLogins => _formLogins.ToArray();

    private async Task<bool> TryServeLoginFormAsync(HttpContext context, ObservedRequest request)
    {
        if (!_options.ServesLoginForm || request.Path != AuthorizePath)
        {
            return false;
        }

        if (HttpMethods.IsGet(request.Method) && !request.Query.ContainsKey(LoggedInMarker) && Field(request.Query, "client_id") == _options.ClientId)
        {
            await WriteLoginPageAsync(context, request.Query, problem: null).ConfigureAwait(false);
            return true;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return false; // a logged-in GET, or an unknown client: the authorize endpoint's own answers
        }

        var form = request.Form;
        var authorize = form.Where(f => f.Key is not ("username" or "pw" or "Login")).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        if (Field(form, "username") != _options.Username || string.IsNullOrEmpty(Field(form, "pw")))
        {
            _rejections.Enqueue("login form: wrong username or no password");
            await WriteLoginPageAsync(context, authorize, "Please check your username and password.").ConfigureAwait(false);
            return true;
        }

        _formLogins.Enqueue(_options.Username);
        authorize[LoggedInMarker] = "1";
        var query = string.Join('&', authorize.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = AuthorizePath + "?" + query;
        context.Response.ContentLength = 0;
        return true;
    }

    private static async Task WriteLoginPageAsync(HttpContext context, IReadOnlyDictionary<string, string> authorize, string? problem)
    {
        var page = new StringBuilder()
            .Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Login | Salesforce</title></head><body>")
            .Append("<form id=\"login\" method=\"post\" action=\"").Append(AuthorizePath).Append("\">");
        if (problem is not null)
        {
            page.Append("<p id=\"error\">").Append(WebUtility.HtmlEncode(problem)).Append("</p>");
        }

        foreach (var (name, value) in authorize)
        {
            page.Append("<input type=\"hidden\" name=\"").Append(WebUtility.HtmlEncode(name)).Append("\" value=\"").Append(WebUtility.HtmlEncode(value)).Append("\">");
        }

        page.Append("<label>Username <input id=\"username\" name=\"username\" type=\"email\"></label>")
            .Append("<label>Password <input id=\"password\" name=\"pw\" type=\"password\"></label>")
            .Append("<input id=\"Login\" name=\"Login\" type=\"submit\" value=\"Log In\">")
            .Append("</form></body></html>");
        var body = Encoding.UTF8.GetBytes(page.ToString());
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
