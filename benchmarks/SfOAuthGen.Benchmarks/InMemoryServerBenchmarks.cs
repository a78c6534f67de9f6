using System.Net;
using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Benchmarks;

/// <summary>
/// Issue 16 item 1: the same password-flow token request against the same cassette, in memory (the server's
/// <see cref="RecordedResponseServer.CreateHandler"/>, no socket) and over a loopback socket (a pooled keep-alive
/// connection). Requests per second is 1 / Mean; the ratio column is the in-memory speed-up.
/// </summary>
[MemoryDiagnoser]
public class InMemoryServerBenchmarks
{
    private static readonly MediaTypeHeaderValue FormType = new("application/x-www-form-urlencoded");

    private RecordedResponseServer _socketServer = null!;
    private RecordedResponseServer _memoryServer = null!;
    private HttpClient _socket = null!;
    private HttpClient _memory = null!;
    private byte[] _form = null!;

    [GlobalSetup]
    public void Setup()
    {
        _form = Credentials.FormBytes();
        _socketServer = RecordedResponseServer.StartAsync(TokenServer.LoadRepeatingCassette()).GetAwaiter().GetResult();
        _memoryServer = RecordedResponseServer.StartAsync(TokenServer.LoadRepeatingCassette(), new() { InMemory = true }).GetAwaiter().GetResult();
        _socket = new HttpClient(TokenServer.NewHandler()) { BaseAddress = _socketServer.BaseUri };
        _memory = new HttpClient(_memoryServer.CreateHandler()) { BaseAddress = _memoryServer.BaseUri };
        // The same token from both (instance_url, id and so the signature differ: they point back at each server).
        if (AccessToken(_socket) != AccessToken(_memory))
        {
            throw new InvalidOperationException("The two modes answered the same request differently.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        TokenServer.RequireAllMatched(_socketServer);
        TokenServer.RequireAllMatched(_memoryServer);
        _socket.Dispose();
        _memory.Dispose();
        _socketServer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _memoryServer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "loopback socket (Kestrel)")]
    public Task<int> SocketAsync() => SendAsync(_socket);

    [Benchmark(Description = "in memory (CreateHandler)")]
    public Task<int> InMemoryAsync() => SendAsync(_memory);

    private string? AccessToken(HttpClient http)
    {
        using var response = http.PostAsync(RequestPattern.TokenPath, Form()).GetAwaiter().GetResult();
        using var json = System.Text.Json.JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        return json.RootElement.GetProperty("access_token").GetString();
    }

    private ByteArrayContent Form()
    {
        var content = new ByteArrayContent(_form);
        content.Headers.ContentType = FormType;
        return content;
    }

    private async Task<int> SendAsync(HttpClient http)
    {
        using var content = Form();
        using var response = await http.PostAsync(RequestPattern.TokenPath, content).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK ? body.Length : throw new InvalidOperationException($"Unexpected {(int)response.StatusCode}");
    }
}
