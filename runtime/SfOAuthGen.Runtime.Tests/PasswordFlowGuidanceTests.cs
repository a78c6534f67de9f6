using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>
/// External Client Apps, Salesforce's successor to connected apps, reject the username-password flow: the run-time hints
/// and the docs say so, and the docs list every flow the configuration accepts.
/// </summary>
public class PasswordFlowGuidanceTests
{
    [Theory]
    [InlineData("invalid_grant", "authentication failure")]
    [InlineData("unsupported_grant_type", "grant type not supported")]
    public async Task Password_flow_refusals_say_External_Client_Apps_do_not_support_the_flow(string error, string description)
    {
        using var harness = new Harness(TestOrg.Password());
        harness.Endpoint.Respond = (_, _) => Task.FromResult(Responses.Error(error, description));

        var ex = await Harness.Fails<SalesforceAuthException>(() => harness.Client.GetTokenAsync().AsTask());

        Assert.Contains("External Client Apps", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("do not support the username-password flow", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("jwt_bearer", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void The_SFAUTH004_page_says_External_Client_Apps_do_not_support_the_flow()
    {
        var page = RepositoryFiles.Read("docs", "diagnostics", "SFAUTH004.md");

        Assert.Contains("External Client Apps", page, StringComparison.Ordinal);
        Assert.Contains("do not support the username-password flow", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dependency_injection_page_lists_every_flow_for_the_Flow_key()
    {
        var row = RepositoryFiles.Read("docs", "dependency-injection.md").Split('\n')
            .Single(line => line.StartsWith("| `Flow` |", StringComparison.Ordinal));

        foreach (var flow in Enum.GetValues<SalesforceFlow>())
        {
            Assert.Contains("`" + TokenTelemetry.Describe(flow) + "`", row, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("later", row, StringComparison.Ordinal);
    }
}
