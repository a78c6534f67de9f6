using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace SfOAuthGen.Testing.Tests;

internal static class TestSupport
{
    public static readonly string CassetteDirectory = Path.Combine(AppContext.BaseDirectory, "cassettes");

    /// <summary>A guard against a hang, never an assertion about speed.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    public static HttpClient Client(RecordedResponseServer server) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseUri };

    public static HttpClient Client(Uri baseUri) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseUri };

    /// <summary>A body exactly as given, so tests control field order and encoding.</summary>
    public static StringContent RawForm(string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    public static AuthenticationHeaderValue Basic(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(id + ":" + secret)));

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static Cassette Single(RequestPattern request, ResponseTemplate response) => new Cassette().Add(request, response);

    /// <summary>Every way a secret could be written down, computed independently of the library.</summary>
    public static IEnumerable<string> Encodings(string secret)
    {
        yield return secret;
        yield return Uri.EscapeDataString(secret);
        yield return System.Net.WebUtility.UrlEncode(secret);
        yield return JsonEncodedText.Encode(secret).ToString();
        yield return JsonSerializer.Serialize(secret).Trim('"');
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)).TrimEnd('=');
    }

    /// <summary>A body whose length HttpClient cannot know, so it is sent chunked (no Content-Length).</summary>
    public sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    public static void AssertAbsent(string text, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            foreach (var encoded in Encodings(secret))
            {
                Assert.False(text.Contains(encoded, StringComparison.Ordinal), $"a secret was found ({encoded.Length} chars) in: {text}");
            }
        }
    }
}

/// <summary>A fake clock that also says when a timer (a server-side delay) has been created.</summary>
internal sealed class SignallingTimeProvider : FakeTimeProvider
{
    public SemaphoreSlim TimerCreated { get; } = new(0);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            TimerCreated.Release();
        }

        return timer;
    }
}

/// <summary>
/// Tests of cassette behaviour that must hold in both modes: each derived class runs every test of its base over a
/// loopback socket and in memory (same inputs, same results).
/// </summary>
public abstract class ServerModeTests
{
    /// <summary>Whether this run's servers answer in memory.</summary>
    protected abstract bool InMemory { get; }

    protected Task<RecordedResponseServer> StartAsync(Cassette cassette, RecordedResponseServerOptions? options = null)
    {
        options ??= new RecordedResponseServerOptions();
        options.InMemory = InMemory;
        return RecordedResponseServer.StartAsync(cassette, options);
    }

    protected static HttpClient Client(RecordedResponseServer server) =>
        server.IsInMemory ? new HttpClient(server.CreateHandler()) { BaseAddress = server.BaseUri } : TestSupport.Client(server);
}
