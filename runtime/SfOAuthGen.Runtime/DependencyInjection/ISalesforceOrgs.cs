using Microsoft.Extensions.DependencyInjection;

namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>The orgs registered with <c>AddSalesforceOrg</c>, looked up by name.</summary>
/// <remarks>A single org is also injectable directly: <c>[FromKeyedServices("Sandbox")] SalesforceTokenClient</c>.</remarks>
public interface ISalesforceOrgs
{
    /// <summary>The registered org names, in registration order.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The org's token client (a singleton).</summary>
    /// <exception cref="ArgumentException">No org of that name is registered.</exception>
    SalesforceTokenClient GetTokenClient(string orgName);

    /// <summary>A client for the org's API (<see cref="SalesforceHttpClientNames.Api"/>); relative URIs go to the instance URL.</summary>
    /// <exception cref="ArgumentException">No org of that name is registered.</exception>
    HttpClient CreateHttpClient(string orgName);
}

/// <summary>The org names registered so far; one instance per service collection.</summary>
internal sealed class SalesforceOrgRegistry
{
    public Dictionary<string, SalesforceOrgSettings> Settings { get; } = new(StringComparer.Ordinal);

    public List<string> Names { get; } = [];
}

internal sealed class SalesforceOrgs : ISalesforceOrgs
{
    private readonly IServiceProvider _services;
    private readonly SalesforceOrgRegistry _registry;
    private readonly IHttpClientFactory _httpClients;

    public SalesforceOrgs(IServiceProvider services, SalesforceOrgRegistry registry, IHttpClientFactory httpClients)
    {
        _services = services;
        _registry = registry;
        _httpClients = httpClients;
    }

    public IReadOnlyList<string> Names => _registry.Names;

    public SalesforceTokenClient GetTokenClient(string orgName) =>
        _services.GetRequiredKeyedService<SalesforceTokenClient>(Require(orgName));

    public HttpClient CreateHttpClient(string orgName) => _httpClients.CreateClient(SalesforceHttpClientNames.Api(Require(orgName)));

    private string Require(string orgName)
    {
        ArgumentNullException.ThrowIfNull(orgName);
        if (!_registry.Settings.ContainsKey(orgName))
        {
            var known = _registry.Names.Count == 0 ? "none" : string.Join(", ", _registry.Names);
            throw new ArgumentException($"No Salesforce org named '{orgName}' is registered (registered: {known}). Call services.AddSalesforceOrg for it.", nameof(orgName));
        }

        return orgName;
    }
}
