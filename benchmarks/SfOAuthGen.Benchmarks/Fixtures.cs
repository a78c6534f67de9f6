using System.Net.Http.Headers;
using SfOAuthGen.Benchmarks.Orgs;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.Benchmarks;

/// <summary>The fake credentials every contender sends: the same five form fields, in the body.</summary>
internal static class Credentials
{
    public const string ClientId = "3MVGbench.FakeConsumerKey.ForBenchmarksOnly";
    public const string ClientSecret = "bench-client-secret-0000000000000000";
    public const string Username = "bench@example.com";
    public const string Password = "benchPassword";
    public const string SecurityToken = "TOKEN1234567890";

    /// <summary>The form in the order our client writes it, so the hand-written floor sends the same bytes.</summary>
    public static readonly KeyValuePair<string, string>[] Form =
    [
        new("grant_type", "password"),
        new("username", Username),
        new("password", Password + SecurityToken),
        new("client_id", ClientId),
        new("client_secret", ClientSecret),
    ];

    public static byte[] FormBytes() => new FormUrlEncodedContent(Form).ReadAsByteArrayAsync().GetAwaiter().GetResult();
}

/// <summary>Resolves the bench org's references from memory, without I/O or allocation.</summary>
internal sealed class FixedSecrets : ISecretResolver
{
    public static readonly FixedSecrets Instance = new();

#pragma warning disable SFAUTH002 // the cassette's dummy credentials: the benchmark must send exactly the recorded values
    private readonly Dictionary<string, SecretValue> _values = new(StringComparer.Ordinal)
    {
        ["SF_BENCH_CLIENT_ID"] = new(Credentials.ClientId),
        ["SF_BENCH_CLIENT_SECRET"] = new(Credentials.ClientSecret),
        ["SF_BENCH_USERNAME"] = new(Credentials.Username),
        ["SF_BENCH_PASSWORD"] = new(Credentials.Password),
        ["SF_BENCH_SECURITY_TOKEN"] = new(Credentials.SecurityToken),
    };
#pragma warning restore SFAUTH002

    public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) =>
        new(_values.GetValueOrDefault(reference.Name));
}

/// <summary>Counts requests on the wire (the stampede check: one request per operation).</summary>
internal sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Keeps the first request's body and headers, to check every contender sends the same request.</summary>
internal sealed class CapturingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public string? Body { get; private set; }

    public string? ContentType { get; private set; }

    public string? Accept { get; private set; }

    public bool HasAuthorization { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        ContentType = request.Content?.Headers.ContentType?.ToString();
        Accept = request.Headers.Accept.ToString();
        HasAuthorization = request.Headers.Authorization is not null;
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The recorded-response server on the committed password-success cassette, its interaction made repeating.</summary>
internal static class TokenServer
{
    public static string CassettePath => Path.Combine(AppContext.BaseDirectory, "cassettes", "password-success.json");

    public static Cassette LoadRepeatingCassette()
    {
        var cassette = Cassette.Load(CassettePath);
        foreach (var interaction in cassette.Interactions)
        {
            interaction.Times = Interaction.Unlimited; // one operation per benchmark iteration, millions of them
        }

        return cassette;
    }

    public static RecordedResponseServer Start() =>
        RecordedResponseServer.StartAsync(LoadRepeatingCassette()).GetAwaiter().GetResult();

    /// <summary>A loopback client as every contender gets it: pooled keep-alive connections, no proxy.</summary>
    public static SocketsHttpHandler NewHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    };

    public static SalesforceTokenClientOptions Options(RecordedResponseServer server, HttpClient http) => new()
    {
        HttpClient = http,
        LoginUrl = server.BaseUri,
        SecretResolver = FixedSecrets.Instance,
    };

    /// <summary>Fails the setup (and so the run) when the server did not answer every request from the cassette.</summary>
    public static void RequireAllMatched(RecordedResponseServer server) => server.AssertAllMatched();

    public static MediaTypeWithQualityHeaderValue JsonMediaType() => new("application/json");

    /// <summary>The generated org class, configured to reach <paramref name="server"/>.</summary>
    public static void ConfigureBenchOrg(RecordedResponseServer server, HttpClient http) => BenchOrg.Configure(Options(server, http));
}
