namespace SfOAuthGen.Testing;

// The revoke and introspect endpoints: what a client learns about, or does to, a token this server issued.
public sealed partial class AuthorizationServer
{
    private Answer Revoke(ObservedRequest request)
    {
        var token = Field(request.Form, "token") ?? Field(request.Query, "token");
        if (string.IsNullOrEmpty(token))
        {
            return Reject(400, "unsupported_token_type", "this token type is not supported", "revoke: no token");
        }

        if (!_tokens.TryGetValue(token, out var issued) || issued.Revoked)
        {
            return Reject(400, "invalid_token", "invalid token", "revoke: unknown or already revoked token");
        }

        issued.Revoked = true;
        if (issued.IsRefreshToken)
        {
            // Revoking a refresh token ends every access token issued from it.
            foreach (var child in _tokens.Values.Where(t => t.Parent == token))
            {
                child.Revoked = true;
            }
        }

        return new Answer(200, null, null);
    }

    private Answer Introspect(ObservedRequest request)
    {
        var form = request.Form;
        if (ClientProblem(form, requireSecret: _options.ClientSecret is not null) is { } problem)
        {
            return problem;
        }

        var token = Field(form, "token") ?? string.Empty;
        if (!_tokens.TryGetValue(token, out var issued) || issued.Revoked || (!issued.IsRefreshToken && !IsLive(issued)))
        {
            return new Answer(200, new Dictionary<string, object?> { ["active"] = false }, null);
        }

        var json = new Dictionary<string, object?>
        {
            ["active"] = true,
            ["scope"] = _options.Scope,
            ["client_id"] = _options.ClientId,
            ["username"] = issued.Subject,
            ["sub"] = issued.Subject,
            ["token_type"] = issued.IsRefreshToken ? "refresh_token" : "access_token",
            ["iat"] = issued.IssuedAt.ToUnixTimeSeconds(),
            ["nbf"] = issued.IssuedAt.ToUnixTimeSeconds(),
        };
        if (!issued.IsRefreshToken)
        {
            json["exp"] = (issued.IssuedAt + _options.SessionLifetime).ToUnixTimeSeconds();
        }

        return new Answer(200, json, null);
    }
}
