using System.Text.Json.Nodes;
using SfOAuthGen.Runtime;
using SfOAuthGen.Samples.Integration;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests.Infrastructure;

/// <summary>
/// A <see cref="RecordedResponseServer"/> playing Salesforce (login host and data API), with its request log in the
/// test's <see cref="Transcript"/> and counts of what reached it.
/// </summary>
internal sealed class LoopbackSalesforce : IAsyncDisposable
{
    public const string LimitsPath = "/services/data/v62.0/limits";

    private readonly object gate = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> waiters = [];
    private int tokenRequests;
    private int dataRequests;

    private LoopbackSalesforce(Transcript transcript)
    {
        Transcript = transcript;
    }

    public RecordedResponseServer Server { get; private set; } = null!;

    public Transcript Transcript { get; }

    /// <summary>Requests that reached the token endpoint (answered or not).</summary>
    public int TokenRequests => Volatile.Read(ref tokenRequests);

    /// <summary>Requests that reached any other path.</summary>
    public int DataRequests => Volatile.Read(ref dataRequests);

    /// <summary>Access and refresh tokens the server handed out: secrets as much as the credentials.</summary>
    public IEnumerable<(string Name, string Value)> IssuedTokens =>
        Server.Secrets.Where(p => p.Key.StartsWith("access_token", StringComparison.Ordinal) || p.Key.StartsWith("refresh_token", StringComparison.Ordinal))
            .Select(p => (p.Key, p.Value)).ToArray();

    public static Cassette Load(string name) => Cassette.Load(Path.Combine(AppContext.BaseDirectory, "cassettes", name + ".json"));

    public static async Task<LoopbackSalesforce> StartAsync(Cassette cassette, Transcript transcript, Credentials? credentials = null)
    {
        var loopback = new LoopbackSalesforce(transcript);
        loopback.Server = await RecordedResponseServer.StartAsync(cassette, new RecordedResponseServerOptions { Log = loopback.OnRequest });
        credentials?.Pin(loopback.Server);
        return loopback;
    }

    /// <summary>Completes once <paramref name="count"/> token requests have reached the server (the server logs a request before answering it).</summary>
    public Task WhenTokenRequestsReach(int count)
    {
        lock (gate)
        {
            if (tokenRequests >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((count, signal));
            return signal.Task;
        }
    }

    public SalesforceTokenClient CreateSandboxClient(Credentials credentials, TimeProvider? time = null, HttpClient? http = null, TimeSpan? requestTimeout = null) =>
        SandboxOrg.CreateClient(Options(credentials, time, http, requestTimeout));

    public SalesforceTokenClient CreateDevHubClient(Credentials credentials, TimeProvider? time = null, HttpClient? http = null) =>
        DevHubOrg.CreateClient(Options(credentials, time, http, null));

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>A password-grant success answering <c>{{secret:<paramref name="accessToken"/>}}</c>, for sequences longer than the cassettes'.</summary>
    public static Interaction PasswordSuccess(string accessToken) => new Interaction(
        RequestPattern.Post().WithForm("grant_type", "password").WithForm("password", "{{secret:password}}").WithForm("client_secret", "{{secret:client_secret}}"),
        ResponseTemplate.FromJson(200, new JsonObject
        {
            ["access_token"] = "{{secret:" + accessToken + "}}",
            ["id"] = "https://login.salesforce.com/id/00DFAKE00000001/005FAKE00000001",
            ["instance_url"] = "https://fake-org.my.salesforce.com",
            ["issued_at"] = "1735689600000",
            ["signature"] = "{{signature}}",
            ["token_type"] = "Bearer",
        })).Named("password success (" + accessToken + ")");

    /// <summary>A data-API request carrying the bearer token <c>{{secret:<paramref name="accessToken"/>}}</c>.</summary>
    public static RequestPattern Data(string method, string path, string accessToken) =>
        new RequestPattern(method, path).WithHeader("Authorization", "Bearer {{secret:" + accessToken + "}}");

    private SalesforceTokenClientOptions Options(Credentials credentials, TimeProvider? time, HttpClient? http, TimeSpan? requestTimeout) => new()
    {
        LoginUrl = Server.BaseUri,
        SecretResolver = credentials.Resolver,
        TimeProvider = time,
        HttpClient = http,
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
        LoggerFactory = new Microsoft.Extensions.Logging.LoggerFactory([Transcript]),
    };

    private void OnRequest(string line)
    {
        Transcript.Add("server: " + line);
        if (!line.StartsWith("POST " + RequestPattern.TokenPath, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref dataRequests);
            return;
        }

        lock (gate)
        {
            tokenRequests++;
            foreach (var waiter in waiters.Where(w => w.Count <= tokenRequests).ToArray())
            {
                waiters.Remove(waiter);
                waiter.Signal.TrySetResult();
            }
        }
    }
}
