namespace SfOAuthGen.Runtime;

/// <summary>The OAuth 2.0 grant an org uses to obtain access tokens from Salesforce.</summary>
public enum SalesforceFlow
{
    /// <summary>Username-password flow (<c>grant_type=password</c>). Salesforce retires it for connected apps on 2027-02-20.</summary>
    Password,

    /// <summary>Refresh-token flow (<c>grant_type=refresh_token</c>) with a configured refresh token.</summary>
    RefreshToken,

    /// <summary>JWT bearer flow (<c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer</c>).</summary>
    JwtBearer,

    /// <summary>Client-credentials flow (<c>grant_type=client_credentials</c>); My Domain hosts only.</summary>
    ClientCredentials,

    /// <summary>Web-server (authorization code) flow with PKCE; yields a refresh token.</summary>
    WebServer,
}
