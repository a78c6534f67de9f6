using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.TokenStore.Tests.Infrastructure;

/// <summary>
/// The loopback server playing a Salesforce org whose connected app rotates refresh tokens, with one chain started
/// for the test (as <c>sfauth login</c> would) and the org's settings for a client of it.
/// </summary>
internal sealed class RotatingSalesforce : IAsyncDisposable
{
    public const string ClientId = "3MVG9FAKEROTATINGCLIENTIDFORTOKENSTORETESTS0000000000000000000";
    public const string ClientSecret = "FAKE7E1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7";

    private RotatingSalesforce(RecordedResponseServer server)
    {
        Server = server;
        InitialRefreshToken = Authorization.IssueRefreshToken();
    }

    public RecordedResponseServer Server { get; }

    public AuthorizationServer Authorization => Server.Authorization!;

    /// <summary>The refresh token the org is configured with: the start of the chain.</summary>
    public string InitialRefreshToken { get; }

    public SalesforceOrgSettings Settings => new()
    {
        Name = "Rotating",
        LoginUrl = Server.BaseUri,
        Flow = SalesforceFlow.RefreshToken,
        ClientId = SecretReference.Literal(ClientId),
        ClientSecret = SecretReference.Literal(ClientSecret),
        RefreshToken = SecretReference.Literal(InitialRefreshToken),
    };

    /// <summary>The environment a worker process reads its secrets from.</summary>
    public IReadOnlyDictionary<string, string> WorkerEnvironment => new Dictionary<string, string>
    {
        ["SF_CLIENT_ID"] = ClientId,
        ["SF_CLIENT_SECRET"] = ClientSecret,
        ["SF_REFRESH_TOKEN"] = InitialRefreshToken,
    };

    /// <summary>Every credential of the test: the app's, and each token the server issued.</summary>
    public IEnumerable<(string Name, string Value)> Secrets =>
        new[] { ("client secret", ClientSecret) }
            .Concat(Authorization.Grants.SelectMany((g, i) => new[] { ($"access token {i}", g.AccessToken), ($"refresh token {i}", g.RefreshTokenIssued ?? string.Empty) }))
            .Append(("initial refresh token", InitialRefreshToken))
            .Where(s => s.Item2.Length > 0);

    public static async Task<RotatingSalesforce> StartAsync() => new(await RecordedResponseServer.StartAsync(new Cassette(), new RecordedResponseServerOptions
    {
        Authorization = new AuthorizationServerOptions { ClientId = ClientId, ClientSecret = ClientSecret, RotateRefreshTokens = true, ServeDataApi = true },
    }));

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
