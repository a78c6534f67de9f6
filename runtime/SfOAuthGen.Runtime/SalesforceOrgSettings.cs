namespace SfOAuthGen.Runtime;

/// <summary>
/// One Salesforce org's non-secret settings and secret references, as written in <c>sfauth.json</c>.
/// Immutable: derive variations with <c>with</c>. Printing it shows references, never secret values.
/// </summary>
public sealed record SalesforceOrgSettings
{
    /// <summary>The org's name in the manifest (<c>Sandbox</c> for <c>SandboxOrg</c>); used in errors and logs.</summary>
    public required string Name { get; init; }

    /// <summary>The login host: <c>https://login.salesforce.com</c>, <c>https://test.salesforce.com</c> or a My Domain URL.</summary>
    public required Uri LoginUrl { get; init; }

    /// <summary>The grant used to obtain tokens.</summary>
    public SalesforceFlow Flow { get; init; } = SalesforceFlow.Password;

    /// <summary>How the client id and secret are sent. Salesforce documents <see cref="ClientAuthentication.Body"/>.</summary>
    public ClientAuthentication ClientAuthentication { get; init; } = ClientAuthentication.Body;

    /// <summary>The connected app's consumer key.</summary>
    public SecretReference? ClientId { get; init; }

    /// <summary>The connected app's consumer secret; optional for public apps on the refresh and web-server flows.</summary>
    [SalesforceSecret]
    public SecretReference? ClientSecret { get; init; }

    /// <summary>The Salesforce username (password and JWT bearer flows).</summary>
    public SecretReference? Username { get; init; }

    /// <summary>The user's password (password flow). The security token is appended when sent.</summary>
    [SalesforceSecret]
    public SecretReference? Password { get; init; }

    /// <summary>The user's security token, appended to the password; omit when the org trusts the caller's IP range.</summary>
    [SalesforceSecret]
    public SecretReference? SecurityToken { get; init; }

    /// <summary>A refresh token (refresh-token flow, or one obtained by the web-server flow).</summary>
    [SalesforceSecret]
    public SecretReference? RefreshToken { get; init; }

    /// <summary>The PEM private key that signs JWT bearer assertions.</summary>
    [SalesforceSecret]
    public SecretReference? PrivateKey { get; init; }

    /// <summary>The JWT <c>aud</c> claim; defaults to the login host.</summary>
    public string? Audience { get; init; }

    /// <summary>The redirect URI registered on the connected app (web-server flow).</summary>
    public Uri? RedirectUri { get; init; }

    /// <summary>Space-separated scopes requested where the flow takes them.</summary>
    public string? Scope { get; init; }

    /// <summary>
    /// How long a session lasts. Salesforce sends no <c>expires_in</c>; this is the org's session timeout (commonly two hours).
    /// </summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How long before <see cref="SessionLifetime"/> ends a token is renewed.</summary>
    public TimeSpan RenewalMargin { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The REST API version used for data-API paths, such as <c>62.0</c>.</summary>
    public string ApiVersion { get; init; } = "62.0";

    /// <summary>Whether a response's <c>signature</c> is verified when the client secret is known.</summary>
    public bool VerifySignature { get; init; } = true;

    /// <summary>
    /// The app-chosen key (tenant id, user id) of a run-time org made from a template (<see cref="Tenants.ISalesforceTenants"/>),
    /// or <see langword="null"/> for an org of the manifest. Part of every cache and store key, so two tenants never
    /// share a token, a refresh-token chain, a back-off or a failure.
    /// </summary>
    public string? Tenant { get; init; }
}
