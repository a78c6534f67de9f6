using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using SfOAuthGen.Benchmarks.Orgs;
using SfOAuthGen.Redis;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;
using SfOAuthGen.TokenStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace SfOAuthGen.Benchmarks;

/// <summary>
/// <c>GetTokenAsync</c> on a valid cached token, through the generated static class, an instance, and an instance whose
/// token store is Redis, against reading a field through a completed <see cref="ValueTask{TResult}"/> and the cheapest
/// correct freshness check (the field plus <see cref="Environment.TickCount64"/>). Every method unwraps its ValueTask the same way.
/// </summary>
[MemoryDiagnoser]
public class CachedTokenBenchmarks
{
    private RecordedResponseServer _server = null!;
    private HttpClient _http = null!;
    private SalesforceTokenClient _instance = null!;
    private SalesforceTokenClient _withRedis = null!;
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private SalesforceToken _field = null!;
    private long _freshUntilTick;
    private DateTimeOffset _renewAt;

    [GlobalSetup]
    public void Setup()
    {
        _server = TokenServer.Start();
        _http = new HttpClient(TokenServer.NewHandler());
        TokenServer.ConfigureBenchOrg(_server, _http);
        _instance = BenchOrg.CreateClient(TokenServer.Options(_server, _http));

        // One real login each, so the measured calls find a valid cached token.
        var viaStatic = BenchOrg.GetTokenAsync().AsTask().GetAwaiter().GetResult();
        var viaInstance = _instance.GetTokenAsync().AsTask().GetAwaiter().GetResult();
        TokenServer.RequireAllMatched(_server);
        if (!ReferenceEquals(viaStatic, BenchOrg.GetTokenAsync().Result) || !ReferenceEquals(viaInstance, _instance.GetTokenAsync().Result))
        {
            throw new InvalidOperationException("The cached token was not returned from the cache.");
        }

        _field = viaInstance;
        _renewAt = viaInstance.ExpiresAt; // far ahead: the check passes, as the client's does
        _freshUntilTick = long.MaxValue;

        // The same org with its state in Redis: the cached path must still do no I/O.
        _redis = RedisServer.StartAsync().GetAwaiter().GetResult();
        _connection = _redis.Connect();
        _withRedis = BenchOrg.CreateClient(new SalesforceTokenClientOptions
        {
            HttpClient = _http,
            LoginUrl = _server.BaseUri,
            SecretResolver = FixedSecrets.Instance,
            TokenStore = new RedisTokenStore(_connection),
        });
        var viaRedis = _withRedis.GetTokenAsync().AsTask().GetAwaiter().GetResult();
        if (!ReferenceEquals(viaRedis, _withRedis.GetTokenAsync().Result))
        {
            throw new InvalidOperationException("The cached token was not returned from the cache with the Redis store.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _instance.Dispose();
        _withRedis.Dispose();
        _connection.Dispose();
        _redis.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _http.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "field through completed ValueTask")]
    public SalesforceToken FieldThroughValueTask() => Unwrap(new ValueTask<SalesforceToken>(_field));

    /// <summary>The baseline plus the one clock read any expiry check needs: what limits the cached path.</summary>
    [Benchmark(Description = "field + TimeProvider.System clock check")]
    public SalesforceToken FieldWithClockCheck() =>
        Unwrap(TimeProvider.System.GetUtcNow() < _renewAt ? new ValueTask<SalesforceToken>(_field) : default);

    /// <summary>The cheapest correct freshness check: a monotonic tick compare, no wall-clock read.</summary>
    [Benchmark(Description = "field + Environment.TickCount64 check")]
    public SalesforceToken FieldWithTickCount() =>
        Unwrap(Environment.TickCount64 < _freshUntilTick ? new ValueTask<SalesforceToken>(_field) : default);

    [Benchmark(Description = "BenchOrg.GetTokenAsync (generated static)")]
    public SalesforceToken GeneratedStatic() => Unwrap(BenchOrg.GetTokenAsync());

    [Benchmark(Description = "client.GetTokenAsync (instance)")]
    public SalesforceToken Instance() => Unwrap(_instance.GetTokenAsync());

    [Benchmark(Description = "client.GetTokenAsync (instance, Redis token store)")]
    public SalesforceToken InstanceWithRedis() => Unwrap(_withRedis.GetTokenAsync());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SalesforceToken Unwrap(ValueTask<SalesforceToken> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
}
