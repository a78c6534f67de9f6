using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SfOAuthGen.Tool;

/// <summary>
/// Waits on the redirect URI's loopback port for the browser to come back from Salesforce, answers it with a short
/// page, and hands over the request target (path and query). Loopback only; one connection at a time.
/// </summary>
internal sealed class LoopbackRedirectListener : IDisposable
{
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

    /// <summary>Waits for a GET of the redirect path and returns its path and query; other paths get a 404.</summary>
    public async Task<Uri> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            string? target;
            using (var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                headers.CancelAfter(TimeSpan.FromSeconds(10)); // a silent connection must not block the login
                try
                {
                    target = await ReadTargetAsync(stream, headers.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    continue;
                }
                catch (IOException)
                {
                    continue;
                }
            }

            var path = target?.Split('?', 2)[0];
            if (path is null || !string.Equals(path, RedirectUri.AbsolutePath, StringComparison.Ordinal))
            {
                await AnswerAsync(stream, "404 Not Found", "Not the sfauth redirect.", cancellationToken).ConfigureAwait(false);
                continue;
            }

            await AnswerAsync(stream, "200 OK", "sfauth received the answer from Salesforce. You can close this tab and return to the terminal.", cancellationToken).ConfigureAwait(false);
            return new Uri(target!, UriKind.Relative);
        }
    }

    public void Dispose() => _listener.Stop();

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
