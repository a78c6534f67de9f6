using System.Security.Cryptography;
using System.Text;

namespace SfOAuthGen.Runtime;

/// <summary>
/// The web-server (authorization code) flow with PKCE: an authorize URL carrying an S256 challenge, then
/// <c>grant_type=authorization_code</c> with the code, the redirect URI and the verifier. It yields a refresh token,
/// which the org then renews with through the refresh-token flow.
/// </summary>
internal static class WebServerFlow
{
    public static async ValueTask<SalesforceAuthorizationRequest> CreateAuthorizationRequestAsync(
        SalesforceOrgSettings settings, OrgSecrets secrets, Uri loginUrl, CancellationToken cancellationToken)
    {
        var clientId = await secrets.RequireAsync("clientId", settings.ClientId, cancellationToken).ConfigureAwait(false);
        var redirectUri = RequireRedirectUri(settings);
        var verifier = RandomText(32);
        var challenge = Challenge(verifier);
        var state = RandomText(16);

        var query = new StringBuilder("response_type=code");
        Append(query, "client_id", clientId);
        Append(query, "redirect_uri", redirectUri.AbsoluteUri);
        Append(query, "code_challenge", challenge);
        Append(query, "code_challenge_method", "S256");
        Append(query, "state", state);
        if (!string.IsNullOrWhiteSpace(settings.Scope))
        {
            Append(query, "scope", settings.Scope);
        }

        var url = new Uri(loginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/services/oauth2/authorize?" + query);
        return new SalesforceAuthorizationRequest(settings.Name, url, redirectUri, state, verifier, challenge);
    }

    public static async ValueTask<TokenRequest> CreateExchangeRequestAsync(
        SalesforceOrgSettings settings, OrgSecrets secrets, string code, string codeVerifier, CancellationToken cancellationToken)
    {
        var clientId = await secrets.RequireAsync("clientId", settings.ClientId, cancellationToken).ConfigureAwait(false);
        var clientSecret = await secrets.OptionalAsync("clientSecret", settings.ClientSecret, cancellationToken).ConfigureAwait(false);
        var redirectUri = RequireRedirectUri(settings);
        var fields = new List<KeyValuePair<string, string>>(6)
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri.AbsoluteUri),
            new("code_verifier", codeVerifier),
        };
        return TokenRequest.Create(SalesforceFlow.WebServer, settings.ClientAuthentication, fields, clientId, clientSecret);
    }

    /// <summary>The PKCE S256 challenge: Base64url(SHA-256(ASCII verifier)), RFC 7636 §4.2.</summary>
    internal static string Challenge(string verifier) => JwtBearerFlow.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static Uri RequireRedirectUri(SalesforceOrgSettings settings)
    {
        if (settings.RedirectUri is not { IsAbsoluteUri: true } uri)
        {
            throw new SalesforceConfigurationException(
                settings.Name, "redirectUri",
                $"Salesforce org '{settings.Name}': the web_server flow needs 'redirectUri', the callback URL registered on the connected app (for sfauth login, a loopback URL such as http://localhost:1717/OauthRedirect).");
        }

        return uri;
    }

    // 32 random bytes give a 43-character verifier, the shortest RFC 7636 allows and plenty of entropy.
    private static string RandomText(int bytes) => JwtBearerFlow.Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static void Append(StringBuilder query, string name, string value) =>
        query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
}
