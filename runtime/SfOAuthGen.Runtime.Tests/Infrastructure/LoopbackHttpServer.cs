using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SfOAuthGen.Runtime.Tests.Infrastructure;

/// <summary>What a <see cref="LoopbackHttpServer"/> received.</summary>
internal sealed record RawRequest(string Method, string Target, string Head, string Body);

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 (one request per connection), for what an in-process handler cannot show:
/// what a real <see cref="SocketsHttpHandler"/> does with a redirect, say.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackHttpServer(Func<RawRequest, string> respond)
    {
        Respond = respond;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptAsync);
    }

    public Uri BaseUri { get; }

    public Func<RawRequest, string> Respond { get; set; }

    public ConcurrentQueue<RawRequest> Requests { get; } = new();

    /// <summary>A complete HTTP/1.1 response with the given status line, headers and body.</summary>
    public static string Response(string status, string body = "", string? contentType = null, params string[] headers)
    {
        var text = new StringBuilder("HTTP/1.1 ").Append(status).Append("\r\n");
        foreach (var header in headers)
        {
            text.Append(header).Append("\r\n");
        }

        if (contentType is not null)
        {
            text.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        return text.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\nConnection: close\r\n\r\n").Append(body).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new List<byte>();
                var chunk = new byte[8192];
                int headEnd;
                while ((headEnd = IndexOfHeadEnd(buffer)) < 0)
                {
                    var read = await stream.ReadAsync(chunk, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    buffer.AddRange(chunk.AsSpan(0, read));
                }

                var head = Encoding.ASCII.GetString(buffer.GetRange(0, headEnd).ToArray());
                var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                while (buffer.Count < headEnd + 4 + length)
                {
                    var read = await stream.ReadAsync(chunk, _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    buffer.AddRange(chunk.AsSpan(0, read));
                }

                var body = Encoding.UTF8.GetString(buffer.Skip(headEnd + 4).Take(length).ToArray());
                var requestLine = head.Split("\r\n", 2)[0].Split(' ');
                var request = new RawRequest(requestLine[0], requestLine.Length > 1 ? requestLine[1] : string.Empty, head, body);
                Requests.Enqueue(request);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(Respond(request)), _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
                // The client went away or the server is stopping.
            }
        }
    }

    private static int IndexOfHeadEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
