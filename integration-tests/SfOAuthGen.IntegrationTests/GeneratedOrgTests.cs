using System.Reflection;
using System.Xml.Linq;
using SfOAuthGen.Runtime;
using SfOAuthGen.Samples.Integration;

namespace SfOAuthGen.IntegrationTests;

/// <summary>The classes the generator made from this project's sfauth.json, compiled by the real build.</summary>
public class GeneratedOrgTests
{
    [Fact]
    public void Sandbox_settings_come_from_the_manifest()
    {
        var settings = SandboxOrg.Settings;

        Assert.Equal("Sandbox", settings.Name);
        Assert.Equal(new Uri("https://test.salesforce.com"), settings.LoginUrl);
        Assert.Equal(SalesforceFlow.Password, settings.Flow);
        Assert.Equal(ClientAuthentication.Basic, settings.ClientAuthentication);
        Assert.Equal(SecretReference.Environment("SF_SANDBOX_CLIENT_ID"), settings.ClientId);
        Assert.Equal(SecretReference.Environment("SF_SANDBOX_CLIENT_SECRET"), settings.ClientSecret);
        Assert.Equal(SecretReference.Environment("SF_SANDBOX_USERNAME"), settings.Username);
        Assert.Equal(SecretReference.Environment("SF_SANDBOX_PASSWORD"), settings.Password);
        Assert.Equal(SecretReference.Environment("SF_SANDBOX_SECURITY_TOKEN"), settings.SecurityToken);
        Assert.Equal(TimeSpan.FromHours(2), settings.SessionLifetime);
    }

    [Fact]
    public void Dashed_org_name_becomes_a_pascal_case_class_and_keeps_its_key()
    {
        var settings = DevHubOrg.Settings;

        Assert.Equal("dev-hub", settings.Name);
        Assert.Equal(SalesforceFlow.RefreshToken, settings.Flow);
        Assert.Equal(ClientAuthentication.Body, settings.ClientAuthentication);
        Assert.Equal(SecretReference.Environment("SF_DEVHUB_REFRESH_TOKEN"), settings.RefreshToken);
        Assert.Equal("62.0", settings.ApiVersion);
        Assert.Null(settings.Password);
    }

    [Fact]
    public void Loopback_org_keeps_literal_client_id_and_config_reference()
    {
        var settings = LoopbackOrg.Settings;

        Assert.Equal(new Uri("http://127.0.0.1:5050"), settings.LoginUrl);
        Assert.Equal(SalesforceFlow.ClientCredentials, settings.Flow);
        Assert.Equal(SecretReference.Literal("integration-client"), settings.ClientId);
        Assert.Equal(SecretReference.Configuration("Salesforce:Loopback:ClientSecret"), settings.ClientSecret);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.RenewalMargin);
        Assert.False(settings.VerifySignature);
    }

    [Theory]
    [InlineData(typeof(SandboxOrg))]
    [InlineData(typeof(DevHubOrg))]
    [InlineData(typeof(LoopbackOrg))]
    public void Generated_api_has_the_documented_members(Type orgClass)
    {
        Assert.True(orgClass.IsAbstract && orgClass.IsSealed, "a static class");
        Assert.Equal(typeof(SalesforceOrgSettings), orgClass.GetProperty("Settings")!.PropertyType);
        Assert.Equal(typeof(SalesforceTokenClient), orgClass.GetProperty("Client")!.PropertyType);
        Assert.Equal(typeof(ValueTask<SalesforceToken>), orgClass.GetMethod("GetTokenAsync", [typeof(CancellationToken)])!.ReturnType);
        Assert.Equal(typeof(ValueTask<SalesforceToken>), orgClass.GetMethod("RefreshAsync", [typeof(CancellationToken)])!.ReturnType);
        Assert.NotNull(orgClass.GetMethod("Invalidate", [typeof(SalesforceToken)]));
        Assert.NotNull(orgClass.GetMethod("Configure", [typeof(SalesforceTokenClientOptions)]));
        Assert.Equal(typeof(SalesforceTokenClient), orgClass.GetMethod("CreateClient", [typeof(SalesforceTokenClientOptions)])!.ReturnType);
    }

    [Fact]
    public void Generated_members_carry_xml_docs_naming_org_flow_and_login_url()
    {
        var docFile = Path.ChangeExtension(typeof(GeneratedOrgTests).Assembly.Location, ".xml");
        var members = XDocument.Load(docFile).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!, m => m.Element("summary")!.Value);

        var prefix = typeof(SandboxOrg).FullName;
        Assert.Contains("Sandbox", members["T:" + prefix]);
        Assert.Contains("password flow at https://test.salesforce.com", members["T:" + prefix]);
        Assert.Contains("password flow at https://test.salesforce.com", members["M:" + prefix + ".GetTokenAsync(System.Threading.CancellationToken)"]);
        Assert.Contains("refresh_token flow at https://login.salesforce.com", members["T:" + typeof(DevHubOrg).FullName]);
        foreach (var member in new[] { "P:" + prefix + ".Settings", "P:" + prefix + ".Client", "M:" + prefix + ".RefreshAsync(System.Threading.CancellationToken)", "M:" + prefix + ".Configure(SfOAuthGen.Runtime.SalesforceTokenClientOptions)" })
        {
            Assert.Contains("Sandbox", members[member]);
        }
    }

    [Fact]
    public void Generated_classes_are_marked_as_generated_code()
    {
        var attribute = typeof(SandboxOrg).GetCustomAttribute<System.CodeDom.Compiler.GeneratedCodeAttribute>();

        Assert.NotNull(attribute);
        Assert.Equal("SfOAuthGen", attribute.Tool);
    }

    [Fact]
    public void Manifest_is_copied_beside_the_application()
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "sfauth.json");

        Assert.True(File.Exists(copied));
        Assert.Contains("\"Sandbox\"", File.ReadAllText(copied));
    }
}
