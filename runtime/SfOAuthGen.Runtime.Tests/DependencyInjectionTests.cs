using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

public class DependencyInjectionTests
{
    private static string Key(string name) => SalesforceOrgOptions.ConfigurationSection(TestOrg.Name) + ":" + name;

    [Fact]
    public async Task The_token_client_is_a_keyed_singleton_that_uses_the_named_client_and_the_apps_clock()
    {
        using var host = new OrgHost();

        var keyed = host.Provider.GetRequiredKeyedService<SalesforceTokenClient>(TestOrg.Name);
        var orgs = host.Provider.GetRequiredService<ISalesforceOrgs>();
        var token = await keyed.GetTokenAsync();

        Assert.Same(keyed, host.Provider.GetRequiredKeyedService<SalesforceTokenClient>(TestOrg.Name));
        Assert.Same(keyed, orgs.GetTokenClient(TestOrg.Name));
        Assert.Equal([TestOrg.Name], orgs.Names);
        Assert.Equal(1, host.Endpoint.Count); // the fake is only reachable through the named token client
        Assert.Equal(host.Time.GetUtcNow() + host.Settings.SessionLifetime, token.ExpiresAt);
    }

    [Fact]
    public void Client_names_are_stable_and_exposed()
    {
        Assert.Equal("Salesforce.Sandbox", SalesforceHttpClientNames.Api("Sandbox"));
        Assert.Equal("SfOAuthGen.Token.Sandbox", SalesforceHttpClientNames.Token("Sandbox"));
        Assert.Equal("Salesforce:Orgs:Sandbox", SalesforceOrgOptions.ConfigurationSection("Sandbox"));
    }

    [Fact]
    public void Configuration_overrides_the_manifest_settings()
    {
        using var host = new OrgHost(configuration: new Dictionary<string, string?>
        {
            [Key("LoginUrl")] = "https://contoso--uat.sandbox.my.salesforce.com",
            [Key("ClientAuthentication")] = "basic",
            [Key("SessionLifetime")] = "00:30:00",
            [Key("RenewalMargin")] = "00:01:00",
            [Key("ApiVersion")] = "61.0",
            [Key("VerifySignature")] = "false",
            [Key("Flow")] = "refresh_token",
            [Key("RefreshToken")] = "env:SF_WITNESS_REFRESH",
        });

        var settings = host.Tokens.Settings;

        Assert.Equal(new Uri("https://contoso--uat.sandbox.my.salesforce.com"), host.Tokens.LoginUrl);
        Assert.Equal(new Uri("https://contoso--uat.sandbox.my.salesforce.com/services/oauth2/token"), host.Tokens.TokenEndpoint);
        Assert.Equal(ClientAuthentication.Basic, settings.ClientAuthentication);
        Assert.Equal(TimeSpan.FromMinutes(30), settings.SessionLifetime);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.RenewalMargin);
        Assert.Equal("61.0", settings.ApiVersion);
        Assert.False(settings.VerifySignature);
        Assert.Equal(SalesforceFlow.RefreshToken, settings.Flow);
        Assert.Equal(SecretReference.Environment("SF_WITNESS_REFRESH"), settings.RefreshToken);
        Assert.Equal(host.Settings.ClientId, settings.ClientId); // untouched keys keep the manifest's value
    }

    [Fact]
    public void The_configure_delegate_runs_after_configuration_and_sees_its_values()
    {
        TimeSpan seen = default;
        using var host = new OrgHost(
            configuration: new Dictionary<string, string?> { [Key("SessionLifetime")] = "00:45:00", [Key("LoginUrl")] = "https://login.salesforce.com" },
            configure: o =>
            {
                seen = o.Settings!.SessionLifetime;
                o.Settings = o.Settings with { LoginUrl = new Uri("http://127.0.0.1:5199") };
            });

        Assert.Equal(new Uri("http://127.0.0.1:5199"), host.Tokens.LoginUrl);
        Assert.Equal(TimeSpan.FromMinutes(45), seen);
    }

    [Fact]
    public async Task Config_secret_references_resolve_through_IConfiguration()
    {
        var settings = TestOrg.Password() with
        {
            ClientSecret = SecretReference.Configuration("Vault:Salesforce:ClientSecret"),
            Password = SecretReference.Parse("config:Vault:Salesforce:Password"),
        };
        using var host = new OrgHost(settings, new Dictionary<string, string?>
        {
            ["Vault:Salesforce:ClientSecret"] = Secrets.ClientSecret,
            ["Vault:Salesforce:Password"] = Secrets.Password,
        });

        await host.Tokens.GetTokenAsync();

        Assert.Equal(Secrets.ClientSecret, host.Endpoint.Last.Field("client_secret"));
        Assert.Equal(Secrets.Password + Secrets.SecurityToken, host.Endpoint.Last.Field("password"));
    }

    [Fact]
    public async Task A_secret_reference_in_configuration_replaces_the_manifests_and_a_literal_there_works_unprinted()
    {
        using var host = new OrgHost(configuration: new Dictionary<string, string?>
        {
            [Key("Password")] = "config:UserSecrets:SfPassword",
            ["UserSecrets:SfPassword"] = Secrets.Password,
            [Key("SecurityToken")] = Secrets.SecurityToken, // a vault provider puts the value itself into configuration
        });

        await host.Tokens.GetTokenAsync();

        Assert.Equal(SecretReference.Configuration("UserSecrets:SfPassword"), host.Tokens.Settings.Password);
        Assert.Equal(Secrets.Password + Secrets.SecurityToken, host.Endpoint.Last.Field("password"));
        Secrets.Observe(host.Tokens.Settings.ToString());
    }

    [Fact]
    public async Task A_missing_config_secret_is_a_clear_error_naming_the_reference()
    {
        using var host = new OrgHost(TestOrg.Password() with { Password = SecretReference.Configuration("Vault:Missing") });

        var ex = await Harness.Fails<SalesforceConfigurationException>(() => host.Tokens.GetTokenAsync().AsTask());

        Assert.Equal("password", ex.Field);
        Assert.Contains("config:Vault:Missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.Endpoint.Count);
    }

    [Fact]
    public async Task Configuration_resolves_config_and_delegates_the_rest_to_the_fallback()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["A:B"] = "from-config", ["Empty"] = "" }).Build();
        var alone = new ConfigurationSecretResolver(configuration);
        var chained = new ConfigurationSecretResolver(configuration, DefaultSecretResolver.Instance);

        Assert.Equal("from-config", (await alone.ResolveAsync(SecretReference.Parse("config:A:B"), default))?.Reveal());
        Assert.Null(await alone.ResolveAsync(SecretReference.Parse("config:Empty"), default));
        Assert.Null(await alone.ResolveAsync(SecretReference.Literal("x"), default));
        Assert.Equal("lit", (await chained.ResolveAsync(SecretReference.Literal("lit"), default))?.Reveal());
    }

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "SessionLifetime", "two hours", "SessionLifetime" },
        { "SessionLifetime", "-00:10:00", "SessionLifetime" },
        { "LoginUrl", "test.salesforce.com", "LoginUrl" },
        { "Flow", "implicit", "Flow" },
        { "ClientAuthentication", "header", "ClientAuthentication" },
        { "ApiVersion", "v62", "ApiVersion" },
        { "Pasword", "x", "Pasword" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_configuration_value_is_an_error_naming_its_key(string key, string value, string field)
    {
        using var host = new OrgHost(configuration: new Dictionary<string, string?> { [Key(key)] = value });

        var ex = Assert.Throws<SalesforceConfigurationException>(() => host.Tokens);

        Assert.Equal(field, ex.Field);
        Assert.Contains(Key(key), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_key_with_an_empty_reference_is_reported_without_its_value()
    {
        using var host = new OrgHost(configuration: new Dictionary<string, string?> { [Key("ClientSecret")] = "env:" });

        var ex = Assert.Throws<SalesforceConfigurationException>(() => host.Tokens);

        Assert.Equal("ClientSecret", ex.Field);
        Assert.Contains("names nothing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_http_login_url_from_configuration_is_refused()
    {
        using var host = new OrgHost(configuration: new Dictionary<string, string?> { [Key("LoginUrl")] = "http://test.salesforce.com" });

        var ex = Assert.Throws<SalesforceConfigurationException>(() => host.Tokens);

        Assert.Equal("loginUrl", ex.Field);
    }

    [Fact]
    public void Registering_an_org_twice_keeps_one_registration_and_a_different_org_under_the_same_name_is_refused()
    {
        var services = new ServiceCollection();
        var first = services.AddSalesforceOrg(TestOrg.Password());
        var again = services.AddSalesforceOrg(TestOrg.Password());

        Assert.Equal(first.Name, again.Name);
        Assert.Single(services, d => d.IsKeyedService && Equals(d.ServiceKey, TestOrg.Name) && d.ServiceType == typeof(SalesforceTokenClient));
        Assert.Throws<ArgumentException>(() => services.AddSalesforceOrg(TestOrg.Password() with { LoginUrl = new Uri("https://login.salesforce.com") }));
        Assert.Throws<ArgumentException>(() => services.AddSalesforceOrg(TestOrg.Password() with { Name = "Bad:Name" }));
    }

    [Fact]
    public async Task Registering_an_org_twice_adds_no_second_auth_handler()
    {
        using var host = new OrgHost(services: s => s.AddSalesforceOrg(TestOrg.Password(), o => o.FailureBackoff = TimeSpan.Zero));
        host.Api.Respond = (r, _) => Task.FromResult(FakeDataApi.InvalidSession());
        using var http = host.CreateApiClient();

        using var response = await http.GetAsync("services/data/v62.0/limits");

        // One handler: one retry. Two nested handlers would have sent four requests.
        Assert.Equal(2, host.Api.Count);
    }

    [Fact]
    public void An_unknown_org_is_a_clear_error_listing_the_registered_ones()
    {
        using var host = new OrgHost();
        var orgs = host.Provider.GetRequiredService<ISalesforceOrgs>();

        var ex = Assert.Throws<ArgumentException>(() => orgs.GetTokenClient("Production"));

        Assert.Contains("'Production'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(TestOrg.Name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_orgs_get_separate_token_clients_and_api_clients()
    {
        var other = TestOrg.Password() with { Name = "Production", LoginUrl = new Uri("https://login.salesforce.com") };
        var otherEndpoint = new FakeTokenEndpoint { Respond = (_, _) => Task.FromResult(Responses.Success(Secrets.AccessToken2)) };
        var otherApi = new FakeDataApi();
        using var host = new OrgHost(services: s =>
        {
            var builder = s.AddSalesforceOrg(other);
            builder.TokenClient.ConfigurePrimaryHttpMessageHandler(() => otherEndpoint);
            builder.ApiClient.ConfigurePrimaryHttpMessageHandler(() => otherApi);
        });
        var orgs = host.Provider.GetRequiredService<ISalesforceOrgs>();

        using var witness = orgs.CreateHttpClient(TestOrg.Name);
        using var production = orgs.CreateHttpClient("Production");
        (await witness.GetAsync("services/data")).Dispose();
        (await production.GetAsync("services/data")).Dispose();

        Assert.Equal([TestOrg.Name, "Production"], orgs.Names);
        Assert.NotSame(orgs.GetTokenClient(TestOrg.Name), orgs.GetTokenClient("Production"));
        Assert.Equal(Secrets.AccessToken, Assert.Single(host.Api.Requests).BearerToken);
        Assert.Equal(Secrets.AccessToken2, Assert.Single(otherApi.Requests).BearerToken);
        Assert.Equal("login.salesforce.com", otherEndpoint.Last.Uri!.Host);
    }

    [Fact]
    public void The_generic_host_supplies_configuration_logging_and_metrics()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [Key("SessionLifetime")] = "01:00:00" });
        builder.Services.AddLogging().AddMetrics();
        builder.Services.AddSalesforceOrg(TestOrg.Password());
        using var app = builder.Build();

        var client = app.Services.GetRequiredKeyedService<SalesforceTokenClient>(TestOrg.Name);

        Assert.Equal(TimeSpan.FromHours(1), client.Settings.SessionLifetime);
    }
}
