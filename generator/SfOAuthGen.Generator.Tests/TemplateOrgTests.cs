using System.Globalization;

namespace SfOAuthGen.Generator.Tests;

/// <summary><c>"template": true</c>: an org whose connected app and flow serve many tenants, each with its own user and refresh token.</summary>
public class TemplateOrgTests
{
    [Fact]
    public void A_template_org_needs_no_refresh_token_or_username_and_gets_ForTenant_and_no_AddSalesforceOrgs_entry()
    {
        const string manifest = """
            {
              "namespace": "Contoso",
              "orgs": {
                "Customers": { "template": true, "loginUrl": "https://login.salesforce.com", "flow": "refresh_token", "clientId": "env:ID" },
                "Users": { "template": true, "loginUrl": "https://login.salesforce.com", "flow": "jwt_bearer", "clientId": "env:ID", "privateKey": "file:k.pem" }
              }
            }
            """;

        var result = GeneratorHarness.Run(manifest);

        Assert.Empty(result.Diagnostics);
        var sources = result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Equal(["CustomersOrg.g.cs", "UsersOrg.g.cs"], sources.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("public static global::SfOAuthGen.Runtime.SalesforceOrgSettings ForTenant(", sources["CustomersOrg.g.cs"], StringComparison.Ordinal);
        Assert.DoesNotContain("GetTokenAsync", sources["CustomersOrg.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_org_without_template_still_needs_its_refresh_token()
    {
        const string manifest = """
            { "orgs": { "Customers": { "template": false, "loginUrl": "https://login.salesforce.com", "flow": "refresh_token", "clientId": "env:ID" } } }
            """;

        var diagnostic = Assert.Single(GeneratorHarness.Run(manifest).Diagnostics);

        Assert.Equal("SFAUTH107", diagnostic.Id);
    }

    [Fact]
    public void A_template_org_naming_a_refresh_token_is_refused_at_the_field()
    {
        const string manifest = """
            {
              "orgs": {
                "Customers": {
                  "template": true, "loginUrl": "https://login.salesforce.com", "flow": "refresh_token", "clientId": "env:ID",
                  "refreshToken": "env:SHARED_RT"
                }
              }
            }
            """;

        var diagnostic = Assert.Single(GeneratorHarness.Run(manifest).Diagnostics);

        Assert.Equal("SFAUTH105", diagnostic.Id);
        Assert.StartsWith("'refreshToken' has an invalid value: a template org's refresh token belongs to each tenant", diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(4, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void Template_must_be_true_or_false()
    {
        const string manifest = """
            { "orgs": { "Customers": { "template": "yes", "loginUrl": "https://login.salesforce.com", "flow": "client_credentials", "clientId": "env:ID", "clientSecret": "env:S" } } }
            """;

        var diagnostic = Assert.Single(GeneratorHarness.Run(manifest).Diagnostics);

        Assert.Equal("SFAUTH104", diagnostic.Id);
        Assert.Equal("'template' must be true or false, not a string", diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }
}
