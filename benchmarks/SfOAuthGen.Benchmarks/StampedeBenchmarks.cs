using BenchmarkDotNet.Attributes;
using SfOAuthGen.Benchmarks.Orgs;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Benchmarks;

/// <summary>
/// Issue item 3: the cache is emptied (<c>Invalidate</c>), then N callers ask for a token at once: all N calls are started
/// before any is awaited, so all join the one flight. Each operation must put exactly one request on the wire (checked).
/// </summary>
[MemoryDiagnoser]
public class StampedeBenchmarks
{
    private const int Crowd = 1_000;
    private readonly ValueTask<SalesforceToken>[] _pending = new ValueTask<SalesforceToken>[Crowd];
    private RecordedResponseServer _server = null!;
    private CountingHandler _wire = null!;
    private HttpClient _http = null!;
    private SalesforceTokenClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = TokenServer.Start();
        _wire = new CountingHandler(TokenServer.NewHandler());
        _http = new HttpClient(_wire);
        _client = BenchOrg.CreateClient(TokenServer.Options(_server, _http));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        TokenServer.RequireAllMatched(_server);
        _client.Dispose();
        _http.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "1 caller, empty cache")]
    public Task<int> OneCaller() => CallersAsync(1);

    [Benchmark(Description = "1,000 concurrent callers, empty cache")]
    public Task<int> ThousandCallers() => CallersAsync(Crowd);

    private async Task<int> CallersAsync(int callers)
    {
        _client.Invalidate();
        var before = _wire.Count;
        for (var i = 0; i < callers; i++)
        {
            _pending[i] = _client.GetTokenAsync();
        }

        SalesforceToken? first = null;
        var consumed = 0;
        for (var i = 0; i < callers; i++)
        {
            var token = await _pending[i].ConfigureAwait(false);
            first ??= token;
            consumed += ReferenceEquals(token, first) ? 1 : 0;
        }

        if (_wire.Count - before != 1 || consumed != callers)
        {
            throw new InvalidOperationException($"{callers} callers caused {_wire.Count - before} requests and saw {callers - consumed} other tokens.");
        }

        return consumed;
    }
}
