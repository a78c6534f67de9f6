namespace SfOAuthGen.Runtime.Tests.Infrastructure;

/// <summary>Org settings for the flows beyond password and refresh, shared by the flow tests that need them.</summary>
internal static class FlowOrgs
{
    public static SalesforceOrgSettings ClientCredentials(string loginUrl = "https://acme.my.salesforce.com", ClientAuthentication auth = ClientAuthentication.Body) => new()
    {
        Name = TestOrg.Name,
        LoginUrl = new Uri(loginUrl),
        Flow = SalesforceFlow.ClientCredentials,
        ClientAuthentication = auth,
        ClientId = SecretReference.Literal(Secrets.ClientId),
        ClientSecret = SecretReference.Literal(Secrets.ClientSecret),
    };
}
