using System.Text;

namespace SfOAuthGen.Testing;

// The web-server flow with PKCE: the authorize endpoint hands out single-use codes bound to a S256 challenge and a
// redirect URI, and the token endpoint exchanges a code only with the matching verifier and redirect URI.
public sealed partial class AuthorizationServer
{
    private Answer Authorize(ObservedRequest request)
    {
        var query = request.Query;
        if (Field(query, "client_id") != _options.ClientId)
        {
            return Reject(400, "invalid_client_id", "client identifier invalid", "authorize: unknown client_id");
        }

        if (!Uri.TryCreate(Field(query, "redirect_uri"), UriKind.Absolute, out var redirect))
        {
            return Reject(400, "redirect_uri_mismatch", "redirect_uri must match configuration", "authorize: redirect_uri missing or not absolute");
        }

        var state = Field(query, "state");
        if (Field(query, "response_type") != "code")
        {
            return RedirectError(redirect, state, "unsupported_response_type", "response type not supported", "authorize: response_type is not code");
        }

        var challenge = Field(query, "code_challenge");
        if (string.IsNullOrEmpty(challenge) || Field(query, "code_challenge_method") != "S256")
        {
            return RedirectError(redirect, state, "invalid_request", "missing required code challenge", "authorize: PKCE S256 challenge missing");
        }

        var code = "aPrx" + RandomText(32);
        _codes[code] = new PendingCode(challenge, redirect.AbsoluteUri, _time.GetUtcNow() + _options.CodeLifetime);
        var location = new StringBuilder(redirect.AbsoluteUri).Append(redirect.Query.Length > 0 ? '&' : '?')
            .Append("code=").Append(Uri.EscapeDataString(code));
        if (state is not null)
        {
            location.Append("&state=").Append(Uri.EscapeDataString(state));
        }

        return new Answer(302, null, location.ToString());
    }

    private Answer ExchangeCode(Dictionary<string, string> form, Uri baseUri)
    {
        if (ClientProblem(form, requireSecret: false) is { } problem)
        {
            return problem;
        }

        // Codes are single-use: any attempt consumes it, as a failed exchange must not be retried with another verifier.
        if (!_codes.TryRemove(Field(form, "code") ?? string.Empty, out var pending))
        {
            return Reject(400, "invalid_grant", "invalid authorization code", "token: unknown or already used code");
        }

        if (_time.GetUtcNow() >= pending.ExpiresAt)
        {
            return Reject(400, "invalid_grant", "expired authorization code", "token: code expired");
        }

        if (Field(form, "redirect_uri") != pending.RedirectUri)
        {
            return Reject(400, "redirect_uri_mismatch", "redirect_uri must match configuration", "token: redirect_uri differs from the authorize request");
        }

        var verifier = Field(form, "code_verifier");
        if (string.IsNullOrEmpty(verifier) || !FixedEquals(S256(verifier), pending.Challenge))
        {
            return Reject(400, "invalid_grant", "invalid code verifier", "token: code_verifier does not match the code_challenge");
        }

        var refresh = Issue(refreshToken: true, _options.Username, parent: null);
        var access = Issue(refreshToken: false, _options.Username, parent: refresh);
        _grants.Enqueue(new ServedGrant("authorization_code", _options.Username, null, access, refresh));
        return Success(form, baseUri, access, refresh, _options.Scope);
    }

    private sealed record PendingCode(string Challenge, string RedirectUri, DateTimeOffset ExpiresAt);
}
