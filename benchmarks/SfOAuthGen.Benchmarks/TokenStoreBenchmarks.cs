using BenchmarkDotNet.Attributes;
using SfOAuthGen.Redis;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;
using SfOAuthGen.TokenStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace SfOAuthGen.Benchmarks;

/// <summary>
/// The token store's cost on renewal (the cached path with Redis is in <see cref="CachedTokenBenchmarks"/>): one refresh
/// of a rotating org through each store (read, lease, token request, compare-and-set write, release), and a second
/// process picking up that renewal from Redis instead of sending a token request of its own.
/// </summary>
[MemoryDiagnoser]
public class TokenStoreBenchmarks
{
    private const string ClientId = "3MVGbench.FakeConsumerKey.ForStoreBenchmarks";
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private RecordedResponseServer _server = null!;
    private HttpClient _http = null!;
    private SalesforceTokenClient _renewsInMemory = null!;
    private SalesforceTokenClient _renewsInRedis = null!;
    private SalesforceTokenClient _otherProcess = null!;

    [GlobalSetup]
    public void Setup()
    {
        _redis = RedisServer.StartAsync().GetAwaiter().GetResult();
        _connection = _redis.Connect();
        _server = RecordedResponseServer.StartAsync(new Cassette(), new RecordedResponseServerOptions
        {
            Authorization = new AuthorizationServerOptions { ClientId = ClientId, RotateRefreshTokens = true },
        }).GetAwaiter().GetResult();
        _http = new HttpClient(TokenServer.NewHandler());
        var redisStore = new RedisTokenStore(_connection);

        _renewsInMemory = Client(new MemoryTokenStore(), _server.Authorization!.IssueRefreshToken());
        var sharedChain = _server.Authorization.IssueRefreshToken();
        _renewsInRedis = Client(redisStore, sharedChain);
        // Another process's client of the same chain: an isolated state on the same Redis.
        _otherProcess = Client(new RedisTokenStore(_connection), sharedChain);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_server.Authorization!.ReuseViolations != 0)
        {
            throw new InvalidOperationException("A superseded refresh token was sent.");
        }

        foreach (var client in new[] { _renewsInMemory, _renewsInRedis, _otherProcess })
        {
            client.Dispose();
        }

        _http.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _connection.Dispose();
        _redis.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "renewal (rotating refresh), memory store")]
    public Task<SalesforceToken> RenewalInMemory() => _renewsInMemory.RefreshAsync().AsTask();

    [Benchmark(Description = "renewal (rotating refresh), Redis store")]
    public Task<SalesforceToken> RenewalInRedis() => _renewsInRedis.RefreshAsync().AsTask();

    /// <summary>One process renews; the other finds its local token gone and takes the renewed one from Redis.</summary>
    [Benchmark(Description = "renewal in one process + pickup from Redis in another")]
    public async Task<SalesforceToken> CrossProcessPickup()
    {
        var renewed = await _renewsInRedis.RefreshAsync();
        _otherProcess.Invalidate();
        var picked = await _otherProcess.GetTokenAsync();
        return picked.AccessToken == renewed.AccessToken ? picked : throw new InvalidOperationException("The other process did not pick up the renewal.");
    }

    private SalesforceTokenClient Client(ISalesforceTokenStore store, string refreshToken) => new(
        new SalesforceOrgSettings
        {
            Name = "BenchRotating",
            LoginUrl = _server.BaseUri,
            Flow = SalesforceFlow.RefreshToken,
            ClientId = SecretReference.Literal(ClientId),
            RefreshToken = SecretReference.Literal(refreshToken),
        },
        new SalesforceTokenClientOptions { HttpClient = _http, TokenStore = store, IsolatedTokenState = true });
}
