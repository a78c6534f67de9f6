namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>The names of the <c>IHttpClientFactory</c> clients registered per org.</summary>
public static class SalesforceHttpClientNames
{
    /// <summary>
    /// The org's API client, <c>Salesforce.&lt;Org&gt;</c>: bearer token added, session renewed on 401 <c>INVALID_SESSION_ID</c>.
    /// Use relative URIs (<c>services/data/v62.0/…</c>): they are sent to the token's instance URL.
    /// </summary>
    public static string Api(string orgName)
    {
        ArgumentException.ThrowIfNullOrEmpty(orgName);
        return "Salesforce." + orgName;
    }

    /// <summary>The client token requests are sent with, <c>SfOAuthGen.Token.&lt;Org&gt;</c>.</summary>
    public static string Token(string orgName)
    {
        ArgumentException.ThrowIfNullOrEmpty(orgName);
        return "SfOAuthGen.Token." + orgName;
    }
}
