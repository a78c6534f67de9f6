using Microsoft.Extensions.DependencyInjection;

namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>What <c>AddSalesforceOrg</c> registered for one org, for further configuration.</summary>
public interface ISalesforceOrgBuilder
{
    /// <summary>The org's name: the key of its <see cref="SalesforceTokenClient"/> and of its options.</summary>
    string Name { get; }

    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>
    /// The org's API client (<see cref="SalesforceHttpClientNames.Api"/>), which carries <see cref="SalesforceAuthHandler"/>:
    /// add resilience or other handlers here. Handlers added here run outside the authorization handler.
    /// </summary>
    IHttpClientBuilder ApiClient { get; }

    /// <summary>The HttpClient the token client posts to the token endpoint with (<see cref="SalesforceHttpClientNames.Token"/>).</summary>
    IHttpClientBuilder TokenClient { get; }
}

internal sealed class SalesforceOrgBuilder : ISalesforceOrgBuilder
{
    public SalesforceOrgBuilder(string name, IServiceCollection services, IHttpClientBuilder apiClient, IHttpClientBuilder tokenClient)
    {
        Name = name;
        Services = services;
        ApiClient = apiClient;
        TokenClient = tokenClient;
    }

    public string Name { get; }

    public IServiceCollection Services { get; }

    public IHttpClientBuilder ApiClient { get; }

    public IHttpClientBuilder TokenClient { get; }
}
