namespace SfOAuthGen.Runtime;

/// <summary>
/// An access token from Salesforce's token endpoint and what came with it.
/// <see cref="ToString"/> masks every credential, so a token can be logged safely.
/// </summary>
public sealed class SalesforceToken
{
    /// <summary>Creates a token; normally the token client does this from Salesforce's response.</summary>
    public SalesforceToken([SalesforceSecret] string accessToken, Uri instanceUrl, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        ArgumentNullException.ThrowIfNull(instanceUrl);
        AccessToken = accessToken;
        InstanceUrl = instanceUrl;
        ExpiresAt = expiresAt;
    }

    /// <summary>The session id to send as <c>Authorization: Bearer</c>. A credential: do not log it.</summary>
    public string AccessToken { get; }

    /// <summary>Where API calls for this org go (<c>instance_url</c>).</summary>
    public Uri InstanceUrl { get; }

    /// <summary>When the client considers the session over: issue time plus the org's session lifetime.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The identity URL (<c>id</c>), <c>https://login.salesforce.com/id/&lt;orgId&gt;/&lt;userId&gt;</c>.</summary>
    public Uri? IdentityUrl { get; init; }

    /// <summary>The token type, <c>Bearer</c>.</summary>
    public string TokenType { get; init; } = "Bearer";

    /// <summary>When Salesforce issued the token (<c>issued_at</c>, sent in milliseconds or seconds).</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>The granted scopes, space-separated; absent for the password flow.</summary>
    public string? Scope { get; init; }

    /// <summary>A refresh token, when the flow issued one (or rotation replaced it). A credential: do not log it.</summary>
    [SalesforceSecret]
    public string? RefreshToken { get; init; }

    /// <summary>Base64 HMAC-SHA256 of <c>id</c> + <c>issued_at</c> keyed with the client secret.</summary>
    public string? Signature { get; init; }

    /// <summary>The OpenID Connect id token, when requested.</summary>
    public string? IdToken { get; init; }

    /// <summary>The Experience Cloud site URL (<c>sfdc_community_url</c>), when present.</summary>
    public Uri? CommunityUrl { get; init; }

    /// <summary>The org's 15-character id (<c>00D…</c>), the part of the access token before <c>!</c>, when it has that shape.</summary>
    public string? OrganizationId
    {
        get
        {
            var bang = AccessToken.IndexOf('!', StringComparison.Ordinal);
            return bang == 15 && AccessToken.StartsWith("00D", StringComparison.Ordinal) ? AccessToken[..15] : null;
        }
    }

    /// <summary>A description with every credential masked, for example <c>Bearer 00D…!AQ…(redacted) for https://…</c>.</summary>
    public override string ToString() =>
        $"{TokenType} {Mask(AccessToken)} for {InstanceUrl}, expires {ExpiresAt:O}{(RefreshToken is null ? string.Empty : ", with a refresh token")}";

    /// <summary>Masks a token: the org-id prefix and two characters after <c>!</c> survive, the rest never.</summary>
    internal static string Mask(string token)
    {
        var bang = token.IndexOf('!', StringComparison.Ordinal);
        if (bang is >= 3 && bang + 3 <= token.Length)
        {
            return string.Concat(token.AsSpan(0, 3), "…!", token.AsSpan(bang + 1, 2), "…(redacted)");
        }

        return "(redacted)";
    }
}
