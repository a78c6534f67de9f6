namespace SfOAuthGen.Runtime;

/// <summary>
/// What Salesforce's introspection endpoint (<c>/services/oauth2/introspect</c>) says about a token.
/// Holds no credential.
/// </summary>
public sealed class SalesforceTokenIntrospection
{
    /// <summary>Whether the token is live. Tokens from the password flow are never introspectable and read as inactive.</summary>
    public required bool Active { get; init; }

    /// <summary>When the session really ends (<c>exp</c>), when Salesforce says.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the token was issued (<c>iat</c>).</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>The consumer key the token was issued to (<c>client_id</c>).</summary>
    public string? ClientId { get; init; }

    /// <summary>The user the token acts for (<c>username</c>).</summary>
    public string? Username { get; init; }

    /// <summary>The token's type (<c>token_type</c>), such as <c>access_token</c>.</summary>
    public string? TokenType { get; init; }

    /// <summary>The granted scopes, space-separated (<c>scope</c>).</summary>
    public string? Scope { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        Active ? $"active {TokenType ?? "token"} for {Username ?? "(unknown user)"}, expires {ExpiresAt?.ToString("O") ?? "(not given)"}" : "inactive token";
}
