using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime.Tenants;

namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>Registers the run-time org registry (<see cref="ISalesforceTenants"/>) with a service collection.</summary>
public static class SalesforceTenantServiceCollectionExtensions
{
    /// <summary>The named HTTP client every tenant's token requests go through.</summary>
    public const string TokenHttpClientName = "SfOAuthGen.Tenants.Token";

    /// <summary>
    /// Registers <see cref="ISalesforceTenants"/> as a singleton <see cref="SalesforceTenantRegistry"/>: tenants made from
    /// <paramref name="template"/> (a generated <c>XOrg.Settings</c> of a <c>"template": true</c> org, say), the app's
    /// <see cref="ISalesforceTenantSource"/> when one is registered, and settings added at run time.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="template">The connected app and flow every tenant shares; <see langword="null"/> when every tenant comes from the source or <c>Add</c>.</param>
    /// <param name="maxActiveTenants">The most tenants whose clients stay in memory (see <see cref="SalesforceTenantOptions.MaxActiveTenants"/>).</param>
    /// <returns>The service collection.</returns>
    /// <remarks>
    /// The tenants' clients use the app's <see cref="ISalesforceTokenStore"/> (register a persistent one: a tenant's chain
    /// lives only there while its client is evicted), <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/> and
    /// <see cref="IMeterFactory"/> when registered, and one <see cref="IHttpClientFactory"/> client, <see cref="TokenHttpClientName"/>.
    /// </remarks>
    public static IServiceCollection AddSalesforceTenants(this IServiceCollection services, SalesforceOrgSettings? template, int maxActiveTenants = 1000)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpClient(TokenHttpClientName)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RefuseRedirects()
            .RedactEveryLoggedHeader();
        services.TryAddSingleton(provider =>
        {
            var httpClients = provider.GetRequiredService<IHttpClientFactory>();
            var configuration = provider.GetService<IConfiguration>();
            return new SalesforceTenantRegistry(new SalesforceTenantOptions
            {
                Template = template,
                Source = provider.GetService<ISalesforceTenantSource>(),
                MaxActiveTenants = maxActiveTenants,
                ClientOptions = new SalesforceTokenClientOptions
                {
                    HttpClientSource = () => httpClients.CreateClient(TokenHttpClientName),
                    SecretResolver = configuration is null ? null : new ConfigurationSecretResolver(configuration, DefaultSecretResolver.Instance),
                    TimeProvider = provider.GetService<TimeProvider>(),
                    LoggerFactory = provider.GetService<ILoggerFactory>(),
                    MeterFactory = provider.GetService<IMeterFactory>(),
                    TokenStore = provider.GetService<ISalesforceTokenStore>(),
                },
            });
        });
        services.TryAddSingleton<ISalesforceTenants>(provider => provider.GetRequiredService<SalesforceTenantRegistry>());
        return services;
    }
}
