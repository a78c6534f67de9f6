using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>The client-credentials flow: what it sends, and the generic login hosts it refuses before any request.</summary>
public class ClientCredentialsFlowTests
{
    [Theory]
    [InlineData(ClientAuthentication.Body)]
    [InlineData(ClientAuthentication.Basic)]
    public async Task Client_credentials_sends_the_grant_with_the_client_credentials_as_configured(ClientAuthentication auth)
    {
        using var harness = new Harness(FlowOrgs.ClientCredentials(auth: auth) with { Scope = "api" });

        await harness.Client.GetTokenAsync();

        var request = harness.Endpoint.Last;
        Assert.Equal("client_credentials", request.Field("grant_type"));
        Assert.Equal("api", request.Field("scope"));
        if (auth == ClientAuthentication.Basic)
        {
            Assert.Equal(Secrets.ClientId + ":" + Secrets.ClientSecret, request.BasicCredentials);
            Assert.Equal(new[] { "grant_type", "scope" }, request.FieldNames);
        }
        else
        {
            Assert.Null(request.Authorization);
            Assert.Equal(Secrets.ClientSecret, request.Field("client_secret"));
            Assert.Equal(Secrets.ClientId, request.Field("client_id"));
        }
    }

    [Theory]
    [InlineData("https://login.salesforce.com")]
    [InlineData("https://TEST.salesforce.com/")]
    public async Task Client_credentials_refuses_the_generic_login_hosts_before_any_request(string loginUrl)
    {
        using var harness = new Harness(FlowOrgs.ClientCredentials(loginUrl));

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Equal("loginUrl", ex.Field);
        Assert.Contains("My Domain", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Endpoint.Count);
    }
}
