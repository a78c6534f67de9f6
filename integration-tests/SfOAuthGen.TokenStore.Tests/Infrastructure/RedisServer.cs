using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace SfOAuthGen.TokenStore.Tests.Infrastructure;

/// <summary>
/// A real redis-server (Debian's package) on a free loopback port in a temporary directory, with an append-only file so
/// a restart keeps the data, as a production Redis would. A test that needs it fails when it cannot start: never skips.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sfauth-redis-").FullName;
    private Process? _process;

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

    public async Task StopAsync()
    {
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
        var start = new ProcessStartInfo(Executable())
        {
            ArgumentList =
            {
                "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", _directory, "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "always",
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
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    private static string Executable()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("redis-server is not installed: `apt-get install -y redis-server` (.ci/run installs it when missing).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
