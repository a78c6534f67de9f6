using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>Registers Salesforce orgs with a service collection (ASP.NET Core, the generic host, …).</summary>
public static class SalesforceServiceCollectionExtensions
{
    /// <summary>
    /// Registers one org: its <see cref="SalesforceTokenClient"/> as a keyed singleton (key: the org's name), the named
    /// API client <see cref="SalesforceHttpClientNames.Api"/> with <see cref="SalesforceAuthHandler"/>, the token
    /// endpoint's client <see cref="SalesforceHttpClientNames.Token"/>, and <see cref="ISalesforceOrgs"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="settings">The org's settings, typically the generated <c>SandboxOrg.Settings</c>.</param>
    /// <param name="configure">Runs after the configuration section <c>Salesforce:Orgs:&lt;Org&gt;</c> is applied.</param>
    /// <returns>A builder for the org's HTTP clients.</returns>
    /// <remarks>
    /// The token client uses the app's <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/>, <see cref="IMeterFactory"/>
    /// and <see cref="ISalesforceTokenStore"/> when they are registered. Without a store, the token state is shared in this
    /// process (the generated static class of the org uses the same one) and lost on restart. <c>config:</c> secret references resolve through the app's <see cref="IConfiguration"/>;
    /// the rest through <see cref="SalesforceOrgOptions.SecretResolver"/>. Registering the same org again adds only
    /// <paramref name="configure"/>; registering a different org under the same name is an error.
    /// </remarks>
    /// <exception cref="ArgumentException">The org's name is empty or holds ':', or another org was registered under it.</exception>
    public static ISalesforceOrgBuilder AddSalesforceOrg(
        this IServiceCollection services, SalesforceOrgSettings settings, Action<SalesforceOrgOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        var org = settings.Name;
        if (string.IsNullOrWhiteSpace(org) || org.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The org name '{org}' cannot name a configuration section: it must be non-empty and contain no ':'.", nameof(settings));
        }

        var registry = Registry(services);
        var first = !registry.Settings.TryGetValue(org, out var registered);
        if (!first && !Equals(registered, settings))
        {
            throw new ArgumentException($"A different Salesforce org named '{org}' is already registered; org names must be unique.", nameof(settings));
        }

        var tokenClient = services.AddHttpClient(SalesforceHttpClientNames.Token(org));
        var apiClient = services.AddHttpClient(SalesforceHttpClientNames.Api(org));
        if (first)
        {
            registry.Settings.Add(org, settings);
            registry.Names.Add(org);
            Register(services, org, settings, tokenClient, apiClient);
        }

        if (configure is not null)
        {
            services.Configure(org, configure);
        }

        return new SalesforceOrgBuilder(org, services, apiClient, tokenClient);
    }

    private static void Register(IServiceCollection services, string org, SalesforceOrgSettings settings, IHttpClientBuilder tokenClient, IHttpClientBuilder apiClient)
    {
        services.AddOptions<SalesforceOrgOptions>(org)
            .Configure(o => o.Settings = settings)
            .Configure<IServiceProvider>((o, provider) =>
            {
                if (provider.GetService<IConfiguration>() is { } configuration)
                {
                    SalesforceOrgConfiguration.Apply(o, org, configuration);
                }
            });

        // The token client bounds each request with its own RequestTimeout.
        tokenClient.ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        tokenClient.RefuseRedirects().RedactEveryLoggedHeader();

        apiClient.ConfigureHttpClient(http => http.BaseAddress = SalesforceAuthHandler.InstanceBaseAddress);
        apiClient.AddHttpMessageHandler(provider => new SalesforceAuthHandler(
            provider.GetRequiredKeyedService<SalesforceTokenClient>(org), provider.GetService<ILogger<SalesforceAuthHandler>>()));
        apiClient.RedactEveryLoggedHeader();

        services.AddKeyedSingleton(org, (provider, _) => CreateTokenClient(provider, org));
        services.TryAddSingleton<ISalesforceOrgs, SalesforceOrgs>();
    }

    private static SalesforceTokenClient CreateTokenClient(IServiceProvider provider, string org)
    {
        var options = provider.GetRequiredService<IOptionsMonitor<SalesforceOrgOptions>>().Get(org);
        var settings = options.Settings ?? throw new SalesforceConfigurationException(org, null, $"Salesforce org '{org}': the options' Settings were set to null.");
        var fallback = options.SecretResolver ?? DefaultSecretResolver.Instance;
        var configuration = provider.GetService<IConfiguration>();
        var httpClients = provider.GetRequiredService<IHttpClientFactory>();
        var tokenClientName = SalesforceHttpClientNames.Token(org);
        return new SalesforceTokenClient(settings, new SalesforceTokenClientOptions
        {
            HttpClientSource = () => httpClients.CreateClient(tokenClientName),
            SecretResolver = configuration is null ? fallback : new ConfigurationSecretResolver(configuration, fallback),
            TimeProvider = provider.GetService<TimeProvider>(),
            LoggerFactory = provider.GetService<ILoggerFactory>(),
            MeterFactory = provider.GetService<IMeterFactory>(),
            RequestTimeout = options.RequestTimeout,
            FailureBackoff = options.FailureBackoff,
            TokenStoreLeaseDuration = options.TokenStoreLeaseDuration,
            // The app's store (AddRedisTokenStore, AddFileTokenStore); else the process-wide one the static class also uses.
            TokenStore = provider.GetService<ISalesforceTokenStore>(),
        });
    }

    private static SalesforceOrgRegistry Registry(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(SalesforceOrgRegistry) && !descriptor.IsKeyedService && descriptor.ImplementationInstance is SalesforceOrgRegistry existing)
            {
                return existing;
            }
        }

        var registry = new SalesforceOrgRegistry();
        services.AddSingleton(registry);
        return registry;
    }
}
