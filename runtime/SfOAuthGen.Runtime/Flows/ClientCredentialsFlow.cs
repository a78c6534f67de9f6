namespace SfOAuthGen.Runtime;

/// <summary>
/// The client-credentials flow: <c>grant_type=client_credentials</c> with the consumer key and secret, in the body or as
/// Basic. Salesforce serves it only on My Domain hosts, so the generic login hosts are refused before any request.
/// </summary>
internal static class ClientCredentialsFlow
{
    public static async ValueTask<TokenRequest> CreateRequestAsync(
        SalesforceOrgSettings settings, OrgSecrets secrets, Uri loginUrl, CancellationToken cancellationToken)
    {
        RequireMyDomain(settings, loginUrl);
        var clientId = await secrets.RequireAsync("clientId", settings.ClientId, cancellationToken).ConfigureAwait(false);
        var clientSecret = await secrets.RequireAsync("clientSecret", settings.ClientSecret, cancellationToken).ConfigureAwait(false);
        var fields = new List<KeyValuePair<string, string>>(3) { new("grant_type", "client_credentials") };
        if (!string.IsNullOrWhiteSpace(settings.Scope))
        {
            fields.Add(new("scope", settings.Scope));
        }

        return TokenRequest.Create(SalesforceFlow.ClientCredentials, settings.ClientAuthentication, fields, clientId, clientSecret);
    }

    /// <summary>Throws when <paramref name="loginUrl"/> is <c>login.salesforce.com</c> or <c>test.salesforce.com</c>.</summary>
    internal static void RequireMyDomain(SalesforceOrgSettings settings, Uri loginUrl)
    {
        if (IsGenericLoginHost(loginUrl))
        {
            throw new SalesforceConfigurationException(
                settings.Name, "loginUrl",
                $"Salesforce org '{settings.Name}': the client_credentials flow works only on the org's My Domain host (https://NAME.my.salesforce.com, or https://NAME--SANDBOX.sandbox.my.salesforce.com for a sandbox), not on {loginUrl.Host}; set loginUrl to the My Domain URL (Setup > My Domain).");
        }
    }

    internal static bool IsGenericLoginHost(Uri url) =>
        url.Host.Equals("login.salesforce.com", StringComparison.OrdinalIgnoreCase)
        || url.Host.Equals("test.salesforce.com", StringComparison.OrdinalIgnoreCase);
}
