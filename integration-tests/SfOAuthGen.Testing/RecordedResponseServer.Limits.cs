using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

/// <summary>Salesforce's limits (<see cref="SalesforceLimits"/>) around whatever answers the request.</summary>
public sealed partial class RecordedResponseServer
{
    /// <summary>Token responses larger than this are not inspected for issued tokens (Salesforce's are a few hundred bytes).</summary>
    private const int MaxObservedTokenResponse = 64 * 1024;

    private async Task AnswerWithinLimitsAsync(HttpContext context, ObservedRequest request, CompiledInteraction[] compiled, LimitPolicy policy)
    {
        if (policy.Check(request) is { } refusal)
        {
            var body = refusal.Body;
            context.Response.StatusCode = refusal.Status;
            context.Response.ContentType = "application/json;charset=UTF-8";
            if (refusal.Status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Token";
            }

            context.Response.ContentLength = body.Length;
            options.Log?.Invoke($"{Describe(request)} -> {refusal.Status} ({refusal.Reason})");
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (!LimitPolicy.IsTokenRequest(request))
        {
            await AnswerAsync(context, request, compiled).ConfigureAwait(false);
            return;
        }

        // Whoever answers (cassette, built-in authorization, upstream), the tokens it issues start their clocks.
        var original = context.Response.Body;
        await using var copy = new CopyingStream(original, MaxObservedTokenResponse);
        context.Response.Body = copy;
        try
        {
            await AnswerAsync(context, request, compiled).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        policy.Observe(request, context.Response.StatusCode, copy.Copied);
    }

    /// <summary>Passes writes through and keeps a copy of the first bytes.</summary>
    private sealed class CopyingStream(Stream inner, int limit) : Stream
    {
        private readonly MemoryStream copy = new();

        public ReadOnlySpan<byte> Copied => copy.Length <= limit ? copy.GetBuffer().AsSpan(0, (int)copy.Length) : [];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Keep(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            if (copy.Length <= limit)
            {
                copy.Write(bytes);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                copy.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
