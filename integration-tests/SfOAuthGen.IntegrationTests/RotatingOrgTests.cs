using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SfOAuthGen.Runtime;
using SfOAuthGen.Runtime.DependencyInjection;
using SfOAuthGen.Samples.Integration;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests;

/// <summary>
/// An app that uses a rotating org three ways — the generated static class, the DI API client and <c>CreateClient</c> —
/// has one refresh-token chain between them: no one ever sends a token another has superseded.
/// </summary>
public sealed class RotatingOrgTests
{
    // Made at run time: a credential written in the source is what SFAUTH002 exists to catch.
    private static readonly string ClientId = "3MVG9" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(56);
    private static readonly string ClientSecret = System.Security.Cryptography.RandomNumberGenerator.GetHexString(64);

    [Fact]
    public async Task The_static_class_the_DI_client_and_CreateClient_share_one_chain_with_zero_reuse()
    {
        await using var server = await RecordedResponseServer.StartAsync(new Cassette(), new RecordedResponseServerOptions
        {
            Authorization = new AuthorizationServerOptions { ClientId = ClientId, ClientSecret = ClientSecret, RotateRefreshTokens = true, ServeDataApi = true },
        });
        var salesforce = server.Authorization!;
        var resolver = new Resolver(salesforce.IssueRefreshToken());

        RotatingOrg.Configure(new SalesforceTokenClientOptions { LoginUrl = server.BaseUri, SecretResolver = resolver });
        using var created = RotatingOrg.CreateClient(new SalesforceTokenClientOptions { LoginUrl = server.BaseUri, SecretResolver = resolver });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Salesforce:Orgs:Rotating:LoginUrl"] = server.BaseUri.AbsoluteUri })
            .Build());
        services.AddRotatingOrg(options => options.SecretResolver = resolver);
        await using var provider = services.BuildServiceProvider();
        var api = provider.GetRequiredService<ISalesforceOrgs>().CreateHttpClient("Rotating");

        var token = await RotatingOrg.GetTokenAsync();
        Assert.Same(token, await created.GetTokenAsync());
        Assert.Equal(1, salesforce.Refreshes);

        // The session ends; the DI client's API call gets 401 INVALID_SESSION_ID and renews for everyone.
        salesforce.ExpireSessions();
        using (var response = await api.GetAsync("/services/data/v62.0/limits"))
        {
            Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}");
        }

        Assert.Equal(2, salesforce.Refreshes);
        Assert.NotEqual(token.AccessToken, (await RotatingOrg.GetTokenAsync()).AccessToken);

        // Each renews in turn with the chain's current refresh token.
        await created.RefreshAsync();
        await RotatingOrg.RefreshAsync();
        salesforce.ExpireSessions();
        using (var response = await api.GetAsync("/services/data/v62.0/limits"))
        {
            Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}");
        }

        Assert.Equal(5, salesforce.Refreshes);
        Assert.Equal(0, salesforce.ReuseViolations);
        Assert.Same(await RotatingOrg.GetTokenAsync(), await created.GetTokenAsync());
    }

    private sealed class Resolver(string refreshToken) : ISecretResolver
    {
        public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) => new(reference.Name switch
        {
            "SF_ROTATING_CLIENT_ID" => new SecretValue(ClientId),
            "SF_ROTATING_CLIENT_SECRET" => new SecretValue(ClientSecret),
            "SF_ROTATING_REFRESH_TOKEN" => new SecretValue(refreshToken),
            _ => null,
        });
    }
}
