using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime.DependencyInjection;
using StackExchange.Redis;

namespace SfOAuthGen.Redis;

/// <summary>Registers the Redis token store for every Salesforce org of the app.</summary>
public static class RedisTokenStoreServiceCollectionExtensions
{
    /// <summary>
    /// Keeps every registered org's token state in Redis (see <see cref="RedisTokenStore"/>), connecting with
    /// <paramref name="configuration"/> (StackExchange.Redis syntax, e.g. <c>redis:6379,password=…</c>). The connection
    /// is opened once, on first use, and does not fail the app's start when Redis is down: renewals then fail with a
    /// transient error naming the store until it is back, and a still-valid token keeps being served.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string.</param>
    /// <param name="configure">Key prefix, database, time to live; optional.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddRedisTokenStore(this IServiceCollection services, string configuration, Action<RedisTokenStoreOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var redisOptions = ConfigurationOptions.Parse(configuration);
        redisOptions.AbortOnConnectFail = false;
        return services.AddRedisTokenStore(_ => ConnectionMultiplexer.Connect(redisOptions), configure);
    }

    /// <summary>Keeps every registered org's token state in Redis, on a connection the app provides (and disposes).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connection">Gives the app's Redis connection.</param>
    /// <param name="configure">Key prefix, database, time to live; optional.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddRedisTokenStore(
        this IServiceCollection services, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisTokenStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        var options = new RedisTokenStoreOptions();
        configure?.Invoke(options);
        return services.AddSalesforceTokenStore(provider => new RedisTokenStore(
            connection(provider),
            options,
            provider.GetService<IDataProtectionProvider>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger<RedisTokenStore>()));
    }
}
