namespace SfOAuthGen.Tool.Tests;

/// <summary><c>sfauth check</c> on a template org: the tenant fields belong to each tenant, not to the manifest.</summary>
public sealed class TemplateCheckTests
{
    [Theory]
    [InlineData("refresh_token", "refreshToken")]
    [InlineData("jwt_bearer", "username")]
    public async Task Check_does_not_ask_a_template_org_for_the_fields_each_tenant_brings(string flow, string field)
    {
        using var workspace = new Workspace();
        workspace.WriteManifest($$"""
                "Customers": { "template": true, "loginUrl": "https://login.salesforce.com", "flow": "{{flow}}", "clientId": "3MVGx", "privateKey": "file:none.pem" },
                "Fixed": { "loginUrl": "https://login.salesforce.com", "flow": "{{flow}}", "clientId": "3MVGx", "privateKey": "file:none.pem" }
            """);

        var check = await workspace.RunAsync("check", "--manifest", workspace.Manifest);

        var template = check.Out[..check.Out.IndexOf("Fixed:", StringComparison.Ordinal)];
        var fixedOrg = check.Out[check.Out.IndexOf("Fixed:", StringComparison.Ordinal)..];
        Assert.DoesNotContain($"'{field}' is required", template, StringComparison.Ordinal);
        Assert.Contains($"'{field}' is required by the {flow} flow", fixedOrg, StringComparison.Ordinal);
    }
}
