using System.Security.Cryptography;
using System.Text;

namespace SfOAuthGen.Runtime;

/// <summary>
/// One run of the web-server flow: the authorize URL to open in a browser, and the PKCE verifier and <c>state</c> that
/// the redirect and the code exchange are checked against. Create it with
/// <see cref="SalesforceTokenClient.CreateAuthorizationRequestAsync"/>; use it once.
/// <see cref="ToString"/> never shows the verifier.
/// </summary>
public sealed class SalesforceAuthorizationRequest
{
    private readonly string _orgName;

    internal SalesforceAuthorizationRequest(string orgName, Uri url, Uri redirectUri, string state, string codeVerifier, string codeChallenge)
    {
        _orgName = orgName;
        Url = url;
        RedirectUri = redirectUri;
        State = state;
        CodeVerifier = codeVerifier;
        CodeChallenge = codeChallenge;
    }

    /// <summary>
    /// <c>{loginUrl}/services/oauth2/authorize?response_type=code&amp;client_id&amp;redirect_uri&amp;code_challenge&amp;code_challenge_method=S256&amp;state</c>
    /// (and <c>scope</c> when the org sets one). Safe to show: it holds no secret.
    /// </summary>
    public Uri Url { get; }

    /// <summary>Where Salesforce sends the browser back with <c>code</c> and <c>state</c>.</summary>
    public Uri RedirectUri { get; }

    /// <summary>The random <c>state</c> the redirect must carry back (protects against a forged redirect).</summary>
    public string State { get; }

    /// <summary>The PKCE <c>code_verifier</c>: sent only with the code exchange. Keep it private.</summary>
    public string CodeVerifier { get; }

    /// <summary>The PKCE <c>code_challenge</c>: Base64url(SHA-256(<see cref="CodeVerifier"/>)).</summary>
    public string CodeChallenge { get; }

    /// <summary>
    /// Reads the authorization code from the redirect Salesforce sent the browser to, after checking its <c>state</c>.
    /// </summary>
    /// <param name="redirect">The full redirect URL, or just its path and query (<c>/callback?code=…&amp;state=…</c>).</param>
    /// <exception cref="SalesforceAuthException">
    /// The redirect carries Salesforce's <c>error</c> (the user denied access, say), its <c>state</c> differs from
    /// <see cref="State"/>, or it has no code.
    /// </exception>
    public string ReadCode(Uri redirect)
    {
        ArgumentNullException.ThrowIfNull(redirect);
        var query = redirect.IsAbsoluteUri ? redirect.Query : (redirect.OriginalString.IndexOf('?') is var q and >= 0 ? redirect.OriginalString[q..] : string.Empty);
        var fields = ParseQuery(query);
        fields.TryGetValue("error", out var error);
        fields.TryGetValue("error_description", out var description);
        if (!string.IsNullOrEmpty(error))
        {
            var hint = error == "access_denied"
                ? "The user denied access, or the connected app's policies do not allow this user: log in again and choose Allow."
                : "Check the connected app's callback URL (it must equal redirectUri exactly), its OAuth scopes, and that PKCE is allowed.";
            throw new SalesforceAuthException(_orgName, SalesforceFlow.WebServer, error, description, null, isTransient: false, hint);
        }

        fields.TryGetValue("state", out var state);
        if (state is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(state), Encoding.UTF8.GetBytes(State)))
        {
            throw new SalesforceAuthException(
                _orgName, SalesforceFlow.WebServer, null, "the redirect's state does not match the authorization request", null, isTransient: false,
                "The redirect did not come from this login attempt (an old browser tab, or a forged link): start the login again.");
        }

        if (!fields.TryGetValue("code", out var code) || code.Length == 0)
        {
            throw new SalesforceAuthException(
                _orgName, SalesforceFlow.WebServer, null, "the redirect carries no authorization code", null, isTransient: false,
                "Salesforce sent the browser back without a code: start the login again.");
        }

        return code;
    }

    /// <summary>The org and the redirect URI; never the verifier.</summary>
    public override string ToString() => $"Authorization request for Salesforce org '{_orgName}', redirect to {RedirectUri}";

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((equals < 0 ? part : part[..equals]).Replace('+', ' '));
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(part[(equals + 1)..].Replace('+', ' '));
            fields.TryAdd(name, value);
        }

        return fields;
    }
}
