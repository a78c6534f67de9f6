using System.Diagnostics;
using System.Threading.Channels;

namespace SfOAuthGen.TokenStore.Tests.Infrastructure;

/// <summary>One instance of a service (SfOAuthGen.TokenStore.Worker) in its own OS process, driven over stdin.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors = new();

    private WorkerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>What the worker wrote to stderr (its warnings and errors), for leak scans and failure messages.</summary>
    public string ErrorOutput => string.Join('\n', _errors);

    public static async Task<WorkerProcess> StartAsync(
        RotatingSalesforce salesforce, string store, int callers, TimeSpan lease, string? keys = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "SfOAuthGen.TokenStore.Worker.dll"), salesforce.Server.BaseUri.AbsoluteUri, store, callers.ToString(System.Globalization.CultureInfo.InvariantCulture), ((int)lease.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (keys is not null)
        {
            start.ArgumentList.Add(keys);
        }

        foreach (var (name, value) in salesforce.WorkerEnvironment.Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[name] = value;
        }

        var worker = new WorkerProcess(Process.Start(start)!);
        worker._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                worker._lines.Writer.TryComplete();
            }
            else
            {
                worker._lines.Writer.TryWrite(e.Data);
            }
        };
        worker._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                worker._errors.Enqueue(e.Data);
            }
        };
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        Assert.Equal("ready", await worker.NextLineAsync());
        return worker;
    }

    /// <summary>Starts a round of concurrent API calls; <see cref="RoundResultAsync"/> gives its outcome.</summary>
    public Task StartRoundAsync() => _process.StandardInput.WriteLineAsync("round");

    /// <summary>The round's outcome: how many calls succeeded, and the first error when one failed.</summary>
    public async Task<(int Ok, int Failed, string Line)> RoundResultAsync()
    {
        var line = await NextLineAsync();
        var parts = line.Split(' ');
        Assert.StartsWith("done", line);
        return (int.Parse(parts[1]["ok=".Length..]), int.Parse(parts[2]["failed=".Length..]), line);
    }

    /// <summary>kill -9: no cleanup, no lease release, connections dropped.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task QuitAsync()
    {
        if (_process.HasExited)
        {
            return; // killed
        }

        await _process.StandardInput.WriteLineAsync("quit");
        await _process.WaitForExitAsync().WaitAsync(AnswerLimit);
        Assert.Equal(0, _process.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task<string> NextLineAsync()
    {
        try
        {
            return await _lines.Reader.ReadAsync().AsTask().WaitAsync(AnswerLimit);
        }
        catch (Exception ex) when (ex is TimeoutException or ChannelClosedException)
        {
            throw new InvalidOperationException($"The worker did not answer ({ex.GetType().Name}). Its stderr:\n{ErrorOutput}", ex);
        }
    }
}
