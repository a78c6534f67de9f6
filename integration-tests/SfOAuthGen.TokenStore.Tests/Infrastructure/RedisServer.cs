using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace SfOAuthGen.TokenStore.Tests.Infrastructure;

/// <summary>
/// A real redis-server (Debian's package) on a free loopback port in a temporary directory, with an append-only file so
/// a restart keeps the data, as a production Redis would. Under CI it must be installed (.ci/run installs it): a test that
/// needs it fails when it cannot start, never skips. On a developer's machine without redis-server, Microsoft's Garnet
/// (a Redis-compatible server, embedded, without persistence) stands in, so <c>dotnet test</c> works with only the SDK.
/// </summary>
internal sealed partial class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sfauth-redis-").FullName;
    private Process? _process;
    private IDisposable? _embedded;

    private RedisServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration: fail fast while the server is down, so an outage shows at once.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        await server.StartProcessAsync();
        return server;
    }

    public ConnectionMultiplexer Connect()
    {
        var options = ConfigurationOptions.Parse(Configuration);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new LinearRetry(50); // back within a moment of a restart
        return ConnectionMultiplexer.Connect(options);
    }

    /// <summary>Every key and value in the database, as text, for leak scans.</summary>
    public async Task<string> DumpAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Configuration);
        var text = new System.Text.StringBuilder();
        var database = redis.GetDatabase();
        foreach (var key in redis.GetServer("127.0.0.1", Port).Keys(pattern: "*"))
        {
            text.Append(key).Append('\n');
            var type = await database.KeyTypeAsync(key);
            if (type == RedisType.Hash)
            {
                foreach (var entry in await database.HashGetAllAsync(key))
                {
                    text.Append(entry.Name).Append('=').Append(entry.Value).Append('\n');
                }
            }
            else if (type == RedisType.String)
            {
                text.Append(await database.StringGetAsync(key)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>What answers on <see cref="Port"/>: redis-server, or the embedded stand-in.</summary>
    public string Engine => _embedded is null ? "redis-server" : "Garnet (embedded stand-in: install redis-server to test against Redis)";

    public async Task StopAsync()
    {
        _embedded?.Dispose();
        _embedded = null;
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartProcessAsync()
    {
        if (Executable() is not { } executable)
        {
            _embedded = StartEmbedded(Port);
            await WaitUntilReadyAsync();
            return;
        }

        var start = new ProcessStartInfo(executable)
        {
            ArgumentList =
            {
                "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", _directory, "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "everysec",
                "--protected-mode", "yes", "--daemonize", "no", "--loglevel", "warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilReadyAsync();
    }

    private async Task WaitUntilReadyAsync()
    {
        // Ready when it answers PING; bounded, so a broken install fails the test instead of hanging it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500");
                await redis.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && _process is not { HasExited: true })
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>redis-server on the PATH; <see langword="null"/> outside CI when it is missing (the stand-in runs instead).</summary>
    private static string? Executable()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException("redis-server is not installed, and under CI the token-store tests run against real Redis: `apt-get install -y redis-server` (.ci/run installs it when missing).");
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
