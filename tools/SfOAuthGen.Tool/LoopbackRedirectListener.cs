using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace SfOAuthGen.Tool;

/// <summary>
/// Waits on the redirect URI's loopback port for the browser to come back from Salesforce, answers it with a short
/// page, and hands over the request target (path and query) of the callback that carries this login's state. Loopback
/// only; connections are served side by side.
/// </summary>
internal sealed class LoopbackRedirectListener : IDisposable
{
    // A silent connection is dropped after this; it holds up nothing else meanwhile.
    private static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(10);
    private const int MaxConnections = 64;

    private readonly TcpListener _listener;

    private LoopbackRedirectListener(TcpListener listener, Uri redirectUri)
    {
        _listener = listener;
        RedirectUri = redirectUri;
    }

    /// <summary>The redirect URI with the port actually bound (port 0 in the requested one picks a free port).</summary>
    public Uri RedirectUri { get; }

    /// <summary>Binds the redirect URI's port on loopback.</summary>
    /// <exception cref="ArgumentException">The redirect URI is not http on localhost, 127.0.0.1 or [::1].</exception>
    /// <exception cref="SocketException">The port is in use.</exception>
    public static LoopbackRedirectListener Start(Uri redirectUri)
    {
        if (redirectUri.Scheme != Uri.UriSchemeHttp || !redirectUri.IsLoopback)
        {
            throw new ArgumentException(
                $"the redirect URI '{redirectUri}' is not a loopback http URL; sfauth login listens on one (such as http://localhost:1717/OauthRedirect), registered as a callback URL on the connected app.");
        }

        var address = redirectUri.HostNameType == UriHostNameType.IPv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        var listener = new TcpListener(address, redirectUri.Port);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var bound = new UriBuilder(redirectUri) { Port = port }.Uri;
        return new LoopbackRedirectListener(listener, bound);
    }

    /// <summary>
    /// Waits for the callback of this login: a GET of the redirect path whose <c>state</c> is <paramref name="state"/>,
    /// and returns its path and query (with <c>code</c>, or Salesforce's <c>error</c>). Anything else is answered and
    /// ignored: other paths (a browser's <c>/favicon.ico</c>) get a 404, a callback with another or no state (an old tab,
    /// a forged link) a 400, so nothing but the real callback, or the caller's time-out, ends the wait. Connections are
    /// served side by side, so a silent one (a browser's preconnect) holds up no other.
    /// </summary>
    public async Task<Uri> WaitAsync(string state, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        var callback = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var accepting = AcceptAsync(state, callback, stop.Token);
        try
        {
            return await callback.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            await accepting.ConfigureAwait(false);
        }
    }

    public void Dispose() => _listener.Stop();

    private async Task AcceptAsync(string state, TaskCompletionSource<Uri> callback, CancellationToken stop)
    {
        var open = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break; // the wait is over, or the listener was stopped
            }

            open.RemoveAll(task => task.IsCompleted);
            if (open.Count >= MaxConnections)
            {
                client.Dispose(); // a flood: the real browser retries
                continue;
            }

            open.Add(ServeAsync(client, state, callback, stop));
        }

        await Task.WhenAll(open).ConfigureAwait(false);
    }

    private async Task ServeAsync(TcpClient client, string state, TaskCompletionSource<Uri> callback, CancellationToken stop)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var headers = CancellationTokenSource.CreateLinkedTokenSource(stop);
                headers.CancelAfter(HeaderTimeout);
                var target = await ReadTargetAsync(stream, headers.Token).ConfigureAwait(false);
                var path = target?.Split('?', 2)[0];
                if (target is null)
                {
                    await AnswerAsync(stream, "400 Bad Request", "Not a request sfauth understands.", stop).ConfigureAwait(false);
                }
                else if (!string.Equals(path, RedirectUri.AbsolutePath, StringComparison.Ordinal))
                {
                    await AnswerAsync(stream, "404 Not Found", "Not the sfauth redirect.", stop).ConfigureAwait(false);
                }
                else if (!HasState(target, state))
                {
                    // Not this login's answer: acting on it (even on its error=) would let any page end the login.
                    await AnswerAsync(stream, "400 Bad Request", "This is not the answer to the sfauth login that is running; it was ignored.", stop).ConfigureAwait(false);
                }
                else
                {
                    await AnswerAsync(stream, "200 OK", "sfauth received the answer from Salesforce. You can close this tab and return to the terminal.", stop).ConfigureAwait(false);
                    callback.TrySetResult(new Uri(target, UriKind.Relative));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // A silent, closed or reset connection, or the wait is over: the next connection is served as usual.
            }
        }
    }

    /// <summary>Whether the target's query carries <c>state</c> equal to <paramref name="expected"/> (compared in fixed time).</summary>
    private static bool HasState(string target, string expected)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? target[(q + 1)..] : string.Empty;
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals] == "state")
            {
                var value = Uri.UnescapeDataString(part[(equals + 1)..].Replace('+', ' '));
                return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(expected));
            }
        }

        return false;
    }

    private static async Task<string?> ReadTargetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var head = Encoding.ASCII.GetString(buffer, 0, length);
        var requestLine = head.Split("\r\n", 2)[0].Split(' ');
        return requestLine.Length == 3 && requestLine[0] == "GET" && requestLine[1].StartsWith('/') ? requestLine[1] : null;
    }

    private static async Task AnswerAsync(NetworkStream stream, string status, string text, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes($"<!doctype html><html><head><title>sfauth</title></head><body><p>{WebUtility.HtmlEncode(text)}</p></body></html>");
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n");
        await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
