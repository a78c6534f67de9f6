using Microsoft.Extensions.Configuration;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.Runtime.Tests.Infrastructure;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>The runtime names its flows with the shared manifest vocabulary, in messages, telemetry and configuration.</summary>
public class FlowNameTests
{
    public static TheoryData<SalesforceFlow> Flows() => new(Enum.GetValues<SalesforceFlow>());

    [Theory]
    [MemberData(nameof(Flows))]
    public void Every_flow_has_its_manifest_name_and_maps_back(SalesforceFlow flow)
    {
        var manifestFlow = SalesforceFlowNames.Find(flow);

        Assert.NotNull(manifestFlow);
        Assert.Same(manifestFlow, ManifestVocabulary.FindFlow(SalesforceFlowNames.NameOf(flow)));
        Assert.Equal(flow, SalesforceFlowNames.ToSalesforceFlow(manifestFlow));
    }

    [Theory]
    [InlineData("password", SalesforceFlow.Password)]
    [InlineData("refresh_token", SalesforceFlow.RefreshToken)]
    [InlineData("RefreshToken", SalesforceFlow.RefreshToken)]
    [InlineData("JWT_BEARER", SalesforceFlow.JwtBearer)]
    [InlineData("client_credentials", SalesforceFlow.ClientCredentials)]
    [InlineData("webServer", SalesforceFlow.WebServer)]
    public void Configuration_accepts_the_manifest_and_the_enum_spelling_of_a_flow(string text, SalesforceFlow expected)
    {
        var options = new SalesforceOrgOptions { Settings = TestOrg.Password() };
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [SalesforceOrgOptions.ConfigurationSection(TestOrg.Name) + ":Flow"] = text })
            .Build();

        SalesforceOrgConfiguration.Apply(options, TestOrg.Name, configuration);

        Assert.Equal(expected, options.Settings!.Flow);
    }

    [Fact]
    public void A_missing_required_field_names_the_flow_as_the_manifest_writes_it()
    {
        var settings = TestOrg.Password() with { Flow = SalesforceFlow.ClientCredentials };
        var secrets = new OrgSecrets(settings, DefaultSecretResolver.Instance);

        var ex = Assert.Throws<SalesforceConfigurationException>(() => secrets.RequireAsync("clientSecret", null, default).AsTask().GetAwaiter().GetResult());

        Assert.Contains("the client_credentials flow needs 'clientSecret'", ex.Message, StringComparison.Ordinal);
    }
}
