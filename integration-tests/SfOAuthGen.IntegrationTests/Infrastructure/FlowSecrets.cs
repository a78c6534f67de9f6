using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime;
using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests.Infrastructure;

/// <summary>
/// The secret store behind the Ci (jwt_bearer), Integration (client_credentials) and Dev (web_server) orgs of this
/// project's sfauth.json: values per <c>env:</c> name, built at run time from <see cref="Credentials"/> and an RSA key
/// pair generated per test run (no key is committed). Writable, as <c>sfauth login</c> writes the refresh token where the
/// org's reference points. Everything it ever held is a secret the transcript must not contain.
/// </summary>
internal sealed class FlowSecrets : ISecretResolver
{
    // 2048-bit keys take tens of milliseconds to make: one pair for the connected app, one the app does not know.
    private static readonly Lazy<RSA> AppKey = new(() => RSA.Create(2048));
    private static readonly Lazy<RSA> StrangerKey = new(() => RSA.Create(2048));

    private readonly ConcurrentDictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Name, string Value)> held = new();

    public FlowSecrets(Credentials credentials)
    {
        Credentials = credentials;
        Set("SF_CI_CLIENT_ID", credentials.ClientId, secret: false);
        Set("SF_CI_USERNAME", credentials.Username, secret: false);
        Set("SF_CI_PRIVATE_KEY", PrivateKeyPem);
        Set("SF_INT_CLIENT_ID", credentials.ClientId, secret: false);
        Set("SF_INT_CLIENT_SECRET", credentials.ClientSecret);
        Set("SF_DEV_CLIENT_ID", credentials.ClientId, secret: false);
        Set("SF_DEV_CLIENT_SECRET", credentials.ClientSecret);
        Remember("stranger's private key", StrangerPrivateKeyPem);
    }

    public Credentials Credentials { get; }

    /// <summary>The connected app's certificate key, as the PEM a <c>privateKey</c> reference supplies.</summary>
    public static string PrivateKeyPem => AppKey.Value.ExportPkcs8PrivateKeyPem();

    /// <summary>The public half, which the server (playing the connected app's certificate) verifies assertions with.</summary>
    public static string PublicKeyPem => AppKey.Value.ExportSubjectPublicKeyInfoPem();

    /// <summary>A well-formed key that the connected app does not know.</summary>
    public static string StrangerPrivateKeyPem => StrangerKey.Value.ExportPkcs8PrivateKeyPem();

    /// <summary>Sets (or replaces) the value an <c>env:NAME</c> reference resolves to; <paramref name="secret"/> is false for
    /// client ids and user names, which may appear in output.</summary>
    public void Set(string name, string value, bool secret = true)
    {
        values[name] = value;
        if (secret)
        {
            Remember(name, value);
        }
    }

    /// <summary>Adds a value the transcript must not contain (an issued token, a code, a verifier).</summary>
    public void Remember(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            held.Enqueue((name, value));
            if (value.StartsWith("-----BEGIN", StringComparison.Ordinal))
            {
                // A key printed without its armour is as bad: search for its first line of Base64 too.
                held.Enqueue((name + " (first Base64 line)", value.Replace("\\n", "\n", StringComparison.Ordinal).Split('\n')[1].Trim()));
            }
        }
    }

    public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) =>
        new(reference.Kind == SecretReferenceKind.Environment && values.TryGetValue(reference.Name, out var value) ? new SecretValue(value) : null);

    /// <summary>Options for a generated org's <c>CreateClient</c>: the server as login URL, this store, logs into the transcript.</summary>
    public SalesforceTokenClientOptions Options(RecordedResponseServer server, Transcript transcript, TimeProvider? time = null, HttpClient? http = null) => new()
    {
        LoginUrl = server.BaseUri,
        SecretResolver = this,
        TimeProvider = time,
        HttpClient = http,
        LoggerFactory = new LoggerFactory([transcript]),
    };

    /// <summary>Every value held, plus what the server issued (its built-in grants and its cassette placeholders).</summary>
    public IEnumerable<(string Name, string Value)> HeldAndIssued(RecordedResponseServer? server = null)
    {
        if (server is null)
        {
            return held.ToArray();
        }

        var issued = server.Secrets.Where(p => p.Key.StartsWith("access_token", StringComparison.Ordinal) || p.Key.StartsWith("refresh_token", StringComparison.Ordinal))
            .Select(p => (p.Key, p.Value));
        var granted = (server.Authorization?.Grants ?? []).SelectMany(g => new[] { ("issued access token", g.AccessToken), ("issued refresh token", g.RefreshTokenIssued ?? string.Empty) })
            .Where(p => p.Item2.Length > 0);
        return held.ToArray().Concat(issued).Concat(granted);
    }

    /// <summary>A server playing Salesforce for these credentials: built-in OAuth behaviours, then <paramref name="cassette"/>.</summary>
    public async Task<RecordedResponseServer> StartServerAsync(
        Transcript transcript, Cassette? cassette = null, IReadOnlyCollection<string>? approvedUsers = null, TimeSpan? sessionLifetime = null)
    {
        var server = await RecordedResponseServer.StartAsync(cassette ?? new Cassette(), new RecordedResponseServerOptions
        {
            Log = line => transcript.Add("server: " + line),
            Authorization = new AuthorizationServerOptions
            {
                ClientId = Credentials.ClientId,
                ClientSecret = Credentials.ClientSecret,
                JwtPublicKeyPem = PublicKeyPem,
                ApprovedUsers = approvedUsers ?? [Credentials.Username],
                Username = Credentials.Username,
                SessionLifetime = sessionLifetime ?? TimeSpan.FromHours(2),
            },
        });
        Credentials.Pin(server);
        return server;
    }
}
