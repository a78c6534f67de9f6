using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SfOAuthGen.Runtime.DependencyInjection;

namespace SfOAuthGen.Runtime.Tests.Infrastructure;

/// <summary>
/// A service provider with one org registered the way an app does it, its token endpoint and data API faked in process,
/// logging at Trace into <see cref="Logs"/>, metrics on, and a fake clock.
/// </summary>
internal sealed class OrgHost : IDisposable
{
    public OrgHost(
        SalesforceOrgSettings? settings = null,
        IDictionary<string, string?>? configuration = null,
        Action<SalesforceOrgOptions>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        Settings = settings ?? TestOrg.Password();
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(Configuration);
        collection.AddSingleton<TimeProvider>(Time);
        collection.AddSingleton<ISalesforceTokenStore>(new MemoryTokenStore()); // this host's tokens only: tests run in parallel
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        collection.AddMetrics();
        var org = collection.AddSalesforceOrg(Settings, configure);
        org.TokenClient.ConfigurePrimaryHttpMessageHandler(() => Endpoint);
        org.ApiClient.ConfigurePrimaryHttpMessageHandler(() => Api);
        services?.Invoke(collection);
        Provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public SalesforceOrgSettings Settings { get; }

    public string Org => Settings.Name;

    public IConfigurationRoot Configuration { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public FakeTokenEndpoint Endpoint { get; } = new();

    public FakeDataApi Api { get; } = new();

    public CollectingLoggerProvider Logs { get; } = new();

    public ServiceProvider Provider { get; }

    public SalesforceTokenClient Tokens => Provider.GetRequiredKeyedService<SalesforceTokenClient>(Org);

    public IMeterFactory MeterFactory => Provider.GetRequiredService<IMeterFactory>();

    public HttpClient CreateApiClient() => Provider.GetRequiredService<ISalesforceOrgs>().CreateHttpClient(Org);

    public void Dispose() => Provider.Dispose();
}
