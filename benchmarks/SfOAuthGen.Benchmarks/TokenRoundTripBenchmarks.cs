using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Duende.IdentityModel.Client;
using SfOAuthGen.Benchmarks.Orgs;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Benchmarks;

/// <summary>
/// Issue item 2: one real password-flow round trip per operation over loopback against the recorded-response server.
/// Ours is a forced <c>RefreshAsync</c> on a password-flow org that holds no refresh token (the cassette issues none),
/// so every call runs the password flow again. Each contender has its own HttpClient with identical settings and sends the
/// same five form fields in the body with <c>Accept: application/json</c> (checked in setup).
/// The "in memory" category runs the same three against the server's in-memory handler (no socket, no Kestrel): what is
/// left is each client's own cost per token request, which the loopback figures blur with the server's and the sockets'.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TokenRoundTripBenchmarks
{
    private const string Loopback = "loopback";
    private const string InMemory = "in memory";

    private RecordedResponseServer _server = null!;
    private RecordedResponseServer _memoryServer = null!;
    private HttpClient _floorMemoryHttp = null!;
    private HttpClient _oursMemoryHttp = null!;
    private HttpClient _duendeMemoryHttp = null!;
    private HttpClient _bareMemoryHttp = null!;
    private HttpClient _bareHttp = null!;
    private byte[] _form = null!;
    private SalesforceTokenClient _oursMemory = null!;
    private Uri _memoryEndpoint = null!;
    private HttpClient _floorHttp = null!;
    private HttpClient _oursHttp = null!;
    private HttpClient _duendeHttp = null!;
    private SalesforceTokenClient _ours = null!;
    private Uri _endpoint = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = TokenServer.Start();
        _endpoint = _server.TokenEndpoint;
        _floorHttp = new HttpClient(TokenServer.NewHandler());
        _oursHttp = new HttpClient(TokenServer.NewHandler());
        _duendeHttp = new HttpClient(TokenServer.NewHandler());
        _bareHttp = new HttpClient(TokenServer.NewHandler());
        _form = Credentials.FormBytes();
        _ours = BenchOrg.CreateClient(TokenServer.Options(_server, _oursHttp));
        SameRequestFromEveryContender();

        _memoryServer = RecordedResponseServer.StartAsync(TokenServer.LoadRepeatingCassette(), new() { InMemory = true }).GetAwaiter().GetResult();
        _memoryEndpoint = _memoryServer.TokenEndpoint;
        _floorMemoryHttp = new HttpClient(_memoryServer.CreateHandler());
        _oursMemoryHttp = new HttpClient(_memoryServer.CreateHandler());
        _duendeMemoryHttp = new HttpClient(_memoryServer.CreateHandler());
        _bareMemoryHttp = new HttpClient(_memoryServer.CreateHandler());
        _oursMemory = BenchOrg.CreateClient(TokenServer.Options(_memoryServer, _oursMemoryHttp));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        TokenServer.RequireAllMatched(_server);
        TokenServer.RequireAllMatched(_memoryServer);
        _oursMemory.Dispose();
        _floorMemoryHttp.Dispose();
        _oursMemoryHttp.Dispose();
        _duendeMemoryHttp.Dispose();
        _bareMemoryHttp.Dispose();
        _memoryServer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _ours.Dispose();
        _floorHttp.Dispose();
        _oursHttp.Dispose();
        _duendeHttp.Dispose();
        _bareHttp.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "HttpClient + FormUrlEncodedContent + STJ (floor)")]
    [BenchmarkCategory(Loopback)]
    public Task<string> HandWritten() => HandWrittenAsync(_floorHttp, _endpoint);

    [Benchmark(Description = "SfOAuthGen RefreshAsync (password flow)")]
    [BenchmarkCategory(Loopback)]
    public async Task<string> SfOAuthGen() => (await _ours.RefreshAsync().ConfigureAwait(false)).AccessToken;

    [Benchmark(Description = "Duende.IdentityModel RequestPasswordTokenAsync")]
    [BenchmarkCategory(Loopback)]
    public Task<string> Duende() => DuendeAsync(_duendeHttp, _endpoint);

    [Benchmark(Description = "bare: pre-encoded form, answer read and dropped")]
    [BenchmarkCategory(Loopback)]
    public Task<int> Bare() => BareAsync(_bareHttp, _endpoint, _form);

    [Benchmark(Baseline = true, Description = "HttpClient + FormUrlEncodedContent + STJ (floor)")]
    [BenchmarkCategory(InMemory)]
    public Task<string> HandWrittenInMemory() => HandWrittenAsync(_floorMemoryHttp, _memoryEndpoint);

    [Benchmark(Description = "SfOAuthGen RefreshAsync (password flow)")]
    [BenchmarkCategory(InMemory)]
    public async Task<string> SfOAuthGenInMemory() => (await _oursMemory.RefreshAsync().ConfigureAwait(false)).AccessToken;

    [Benchmark(Description = "Duende.IdentityModel RequestPasswordTokenAsync")]
    [BenchmarkCategory(InMemory)]
    public Task<string> DuendeInMemory() => DuendeAsync(_duendeMemoryHttp, _memoryEndpoint);

    [Benchmark(Description = "bare: pre-encoded form, answer read and dropped")]
    [BenchmarkCategory(InMemory)]
    public Task<int> BareInMemory() => BareAsync(_bareMemoryHttp, _memoryEndpoint, _form);

    /// <summary>
    /// Not a client: the same request bytes, the answer read and dropped, no parsing. The cost of the HTTP pipeline and the
    /// server alone, so the others' own cost is what they take beyond it.
    /// </summary>
    internal static async Task<int> BareAsync(HttpClient http, Uri endpoint, byte[] form)
    {
        using var content = new ByteArrayContent(form);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode ? body.Length : throw new InvalidOperationException($"Unexpected {(int)response.StatusCode}");
    }

    internal static async Task<string> HandWrittenAsync(HttpClient http, Uri endpoint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(Credentials.Form) };
        request.Headers.Accept.Add(TokenServer.JsonMediaType());
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        var token = await JsonSerializer.DeserializeAsync(body, FloorJson.Default.FloorToken).ConfigureAwait(false);
        return token?.AccessToken ?? throw new InvalidOperationException("No access_token in the response.");
    }

    internal static async Task<string> DuendeAsync(HttpClient http, Uri endpoint)
    {
        var response = await http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = endpoint.AbsoluteUri,
            ClientId = Credentials.ClientId,
            ClientSecret = Credentials.ClientSecret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            UserName = Credentials.Username,
            Password = Credentials.Password + Credentials.SecurityToken,
        }).ConfigureAwait(false);
        if (response.IsError)
        {
            throw new InvalidOperationException($"Duende token request failed: {response.Error}");
        }

        return response.AccessToken!;
    }

    /// <summary>Every contender must put the same request on the wire: the same form fields, content type and Accept header.</summary>
    private void SameRequestFromEveryContender()
    {
        var floor = new CapturingHandler(TokenServer.NewHandler());
        var ours = new CapturingHandler(TokenServer.NewHandler());
        var duende = new CapturingHandler(TokenServer.NewHandler());
        var bare = new CapturingHandler(TokenServer.NewHandler());
        using (var http = new HttpClient(floor))
        {
            HandWrittenAsync(http, _endpoint).GetAwaiter().GetResult();
        }

        using (var http = new HttpClient(ours))
        using (var client = BenchOrg.CreateClient(TokenServer.Options(_server, http)))
        {
            client.RefreshAsync().AsTask().GetAwaiter().GetResult();
        }

        using (var http = new HttpClient(duende))
        {
            DuendeAsync(http, _endpoint).GetAwaiter().GetResult();
        }

        using (var http = new HttpClient(bare))
        {
            BareAsync(http, _endpoint, Credentials.FormBytes()).GetAwaiter().GetResult();
        }

        var expected = Describe(floor);
        foreach (var (name, other) in new[] { ("SfOAuthGen", ours), ("Duende", duende), ("bare", bare) })
        {
            if (Describe(other) != expected || other.Body!.Length != floor.Body!.Length)
            {
                throw new InvalidOperationException($"{name} sends a different request: {Describe(other)} vs {expected}");
            }
        }

        TokenServer.RequireAllMatched(_server);
    }

    // Field order may differ between libraries; the set of fields, their bytes and the headers may not.
    private static string Describe(CapturingHandler captured) =>
        string.Join('&', captured.Body!.Split('&').Order(StringComparer.Ordinal))
        + $" | Content-Type: {captured.ContentType} | Accept: {captured.Accept} | Authorization: {captured.HasAuthorization}";
}

/// <summary>The fields a hand-written client reads from Salesforce's answer.</summary>
internal sealed class FloorToken
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("instance_url")]
    public string? InstanceUrl { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("issued_at")]
    public string? IssuedAt { get; set; }

    [JsonPropertyName("signature")]
    public string? Signature { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }
}

[JsonSerializable(typeof(FloorToken))]
internal sealed partial class FloorJson : JsonSerializerContext;
