using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.Samples.Integration;

namespace SfOAuthGen.IntegrationTests.Infrastructure;

/// <summary>
/// A service provider built the way an app builds it: the generated <c>AddSalesforceOrgs()</c>, configuration that points
/// the Sandbox org at the loopback server (<c>Salesforce:Orgs:Sandbox:LoginUrl</c>) and holds its client secret behind a
/// <c>config:</c> reference, and logging into the test's transcript.
/// </summary>
internal static class SalesforceApp
{
    public static ServiceProvider Build(LoopbackSalesforce salesforce, Credentials credentials, Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Salesforce:Orgs:Sandbox:LoginUrl"] = salesforce.Server.BaseUri.ToString(),
                ["Salesforce:Orgs:Sandbox:ClientSecret"] = "config:Vault:SandboxClientSecret",
                ["Vault:SandboxClientSecret"] = credentials.ClientSecret,
            })
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddProvider(salesforce.Transcript).SetMinimumLevel(LogLevel.Trace));
        services.AddSalesforceOrgs();
        services.Configure<SalesforceOrgOptions>(SandboxOrg.Settings.Name, o => o.SecretResolver = credentials.Resolver);
        more?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
