using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>Registers where the Salesforce orgs' token state is kept across restarts and processes.</summary>
public static class TokenStoreServiceCollectionExtensions
{
    /// <summary>
    /// Keeps every registered org's token state in files in <paramref name="directory"/> (see <see cref="FileTokenStore"/>):
    /// for services on one machine that restart or run as several processes. The credentials are encrypted with ASP.NET
    /// Core Data Protection when the app registers it (<c>services.AddDataProtection()</c>); otherwise a warning is logged.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="directory">The app's own directory for the state files; created (0700) when missing.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">Another token store is already registered.</exception>
    public static IServiceCollection AddFileTokenStore(this IServiceCollection services, string directory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return services.AddSalesforceTokenStore(provider => new FileTokenStore(
            directory,
            provider.GetService<IDataProtectionProvider>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger<FileTokenStore>()));
    }

    /// <summary>Registers a token store of the app's own making; every org's token client uses it.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="factory">Creates the store once, from the container.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">Another token store is already registered: two would split an org's chain.</exception>
    public static IServiceCollection AddSalesforceTokenStore(this IServiceCollection services, Func<IServiceProvider, ISalesforceTokenStore> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        if (services.Any(d => d.ServiceType == typeof(ISalesforceTokenStore) && !d.IsKeyedService))
        {
            throw new InvalidOperationException("A Salesforce token store is already registered; an app keeps all its orgs' token state in one store.");
        }

        services.TryAddSingleton(factory);
        return services;
    }
}
