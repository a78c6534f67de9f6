using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Tool.Tests;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (a WebSocket, JSON messages): one page, navigation, script
/// evaluation and page events. Enough to have a real browser fill in and submit a form.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<(string Method, JsonElement Params)> _events = [];
    private readonly SemaphoreSlim _eventArrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiving;
    private string? _session;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser's executable: $CHROMIUM, else chromium on the PATH (Debian's package installs /usr/bin/chromium).</summary>
    public static string? Executable()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Starts the browser with a throw-away profile and opens one blank page.</summary>
    public static async Task<HeadlessChromium> StartAsync()
    {
        var executable = Executable() ?? throw new InvalidOperationException(
            "Chromium is not installed: this test drives a real browser. Install Debian's package (apt-get install -y chromium; .ci/run does it) or set CHROMIUM to the executable.");
        var profile = Path.Combine(Path.GetTempPath(), "sfauth-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            // Loopback only: no proxy, and none of the browser's own calls home.
            "--no-proxy-server", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--disable-extensions", "--disable-domain-reliability", "--no-pings", "--metrics-recording-only", "--disable-features=Translate,OptimizationHints,MediaRouter",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + executable);
        var browser = new HeadlessChromium(process, profile);
        try
        {
            var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var output = new StringBuilder();
            process.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is null)
                {
                    endpoint.TrySetException(new InvalidOperationException("Chromium exited before it listened: " + output));
                    return;
                }

                lock (output)
                {
                    output.AppendLine(line.Data);
                }

                const string Marker = "DevTools listening on ";
                if (line.Data.StartsWith(Marker, StringComparison.Ordinal))
                {
                    endpoint.TrySetResult(new Uri(line.Data[Marker.Length..].Trim()));
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();

            await browser._socket.ConnectAsync(await endpoint.Task.WaitAsync(Guard), CancellationToken.None).WaitAsync(Guard);
            browser._receiving = Task.Run(browser.ReceiveAsync);
            var target = await browser.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
            var attached = await browser.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true });
            browser._session = attached.GetProperty("sessionId").GetString();
            await browser.SendAsync("Page.enable");
            await browser.SendAsync("Runtime.enable");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Navigates the page and waits until it has loaded.</summary>
    public async Task NavigateAsync(Uri url)
    {
        var mark = Mark();
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri });
        await WaitForEventAsync("Page.loadEventFired", mark);
    }

    /// <summary>Evaluates a script expression in the page (awaiting a promise) and returns its value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true });
        if (result.TryGetProperty("exceptionDetails", out var failure))
        {
            throw new InvalidOperationException("script failed in the page: " + failure);
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <summary>A position in the page's event stream: a later wait sees only events after it.</summary>
    public int Mark()
    {
        lock (_events)
        {
            return _events.Count;
        }
    }

    /// <summary>The first page event named <paramref name="method"/> after <paramref name="since"/> that matches; returns it and its position.</summary>
    public async Task<(JsonElement Params, int Position)> WaitForEventAsync(string method, int since, Func<JsonElement, bool>? matches = null)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            lock (_events)
            {
                for (var i = since; i < _events.Count; i++)
                {
                    if (_events[i].Method == method && (matches is null || matches(_events[i].Params)))
                    {
                        return (_events[i].Params, i + 1);
                    }
                }

                since = _events.Count;
            }

            await _eventArrived.WaitAsync(guard.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(Guard);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone.
        }

        if (_receiving is not null)
        {
            await _receiving.ConfigureAwait(false);
        }

        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp profile is harmless.
        }
    }

    private async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (_session is not null && !method.StartsWith("Target.", StringComparison.Ordinal))
        {
            message["sessionId"] = _session;
        }

        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Guard);
        return await reply.Task.WaitAsync(Guard);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                using (var document = JsonDocument.Parse(message.ToArray()))
                {
                    var root = document.RootElement;
                    if (root.TryGetProperty("id", out var id) && _pending.TryRemove(id.GetInt32(), out var reply))
                    {
                        if (root.TryGetProperty("error", out var error))
                        {
                            reply.TrySetException(new InvalidOperationException("DevTools error: " + error));
                        }
                        else
                        {
                            reply.TrySetResult(root.GetProperty("result").Clone());
                        }
                    }
                    else if (root.TryGetProperty("method", out var method))
                    {
                        lock (_events)
                        {
                            _events.Add((method.GetString()!, root.TryGetProperty("params", out var p) ? p.Clone() : default));
                        }

                        _eventArrived.Release();
                    }
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The browser was stopped.
        }
    }
}
