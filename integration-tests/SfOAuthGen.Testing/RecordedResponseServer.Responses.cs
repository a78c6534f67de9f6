using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

/// <summary>Writing a matched interaction's response, with its fault (delay, slow, truncated or reset body) if it has one.</summary>
public sealed partial class RecordedResponseServer
{
    private async Task ServeAsync(HttpContext context, CompiledInteraction match, ObservedRequest request)
    {
        var body = match.RenderBody(Secrets, request);
        var fault = match.Source.Fault;
        var response = context.Response;
        if (fault is { Kind: FaultKind.Delay or FaultKind.SlowBody })
        {
            await ServeSlowlyAsync(context, match, body, fault).ConfigureAwait(false);
            return;
        }

        WriteHead(response, match);
        switch (fault?.Kind)
        {
            case FaultKind.TruncatedBody:
                var kept = Math.Min(fault.Bytes, body.Length);
                response.ContentLength = kept;
                await response.Body.WriteAsync(body[..kept], context.RequestAborted).ConfigureAwait(false);
                break;
            case FaultKind.ResetMidBody:
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body[..Math.Min(fault.Bytes, Math.Max(0, body.Length - 1))], context.RequestAborted).ConfigureAwait(false);
                await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                context.Abort();
                break;
            default:
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
                break;
        }
    }

    private async Task ServeSlowlyAsync(HttpContext context, CompiledInteraction match, ReadOnlyMemory<byte> body, Fault fault)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token);
        var token = linked.Token;
        var response = context.Response;
        try
        {
            if (fault.Kind == FaultKind.Delay)
            {
                await Task.Delay(fault.Delay, options.TimeProvider, token).ConfigureAwait(false);
                WriteHead(response, match);
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, token).ConfigureAwait(false);
                return;
            }

            WriteHead(response, match);
            response.ContentLength = body.Length;
            var chunk = Math.Max(1, fault.Bytes);
            for (var offset = 0; offset < body.Length; offset += chunk)
            {
                if (offset > 0)
                {
                    await Task.Delay(fault.Delay, options.TimeProvider, token).ConfigureAwait(false);
                }

                await response.Body.WriteAsync(body.Slice(offset, Math.Min(chunk, body.Length - offset)), token).ConfigureAwait(false);
                await response.Body.FlushAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            context.Abort(); // the client left or the server is stopping: do not finish the response
        }
    }

    private void WriteHead(HttpResponse response, CompiledInteraction match)
    {
        response.StatusCode = match.Status;
        response.ContentType = match.ContentType;
        foreach (var (name, value) in match.Headers)
        {
            response.Headers[name] = match.RenderHeader(value, Secrets);
        }
    }
}
