using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using SfOAuthGen.Benchmarks.Orgs;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Benchmarks;

/// <summary>
/// Issue item 1: <c>GetTokenAsync</c> on a valid cached token, through the generated static class and through an instance,
/// against reading a field through a completed <see cref="ValueTask{TResult}"/>. Every method unwraps its ValueTask the same way.
/// </summary>
[MemoryDiagnoser]
public class CachedTokenBenchmarks
{
    private RecordedResponseServer _server = null!;
    private HttpClient _http = null!;
    private SalesforceTokenClient _instance = null!;
    private SalesforceToken _field = null!;
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
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _instance.Dispose();
        _http.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "field through completed ValueTask")]
    public SalesforceToken FieldThroughValueTask() => Unwrap(new ValueTask<SalesforceToken>(_field));

    /// <summary>The baseline plus the one clock read any expiry check needs: what limits the cached path.</summary>
    [Benchmark(Description = "field + TimeProvider.System clock check")]
    public SalesforceToken FieldWithClockCheck() =>
        Unwrap(TimeProvider.System.GetUtcNow() < _renewAt ? new ValueTask<SalesforceToken>(_field) : default);

    [Benchmark(Description = "BenchOrg.GetTokenAsync (generated static)")]
    public SalesforceToken GeneratedStatic() => Unwrap(BenchOrg.GetTokenAsync());

    [Benchmark(Description = "client.GetTokenAsync (instance)")]
    public SalesforceToken Instance() => Unwrap(_instance.GetTokenAsync());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SalesforceToken Unwrap(ValueTask<SalesforceToken> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
}
