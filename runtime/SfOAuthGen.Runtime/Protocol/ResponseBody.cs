using System.Text;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Reads a response body up to a cap. Salesforce's OAuth answers are a few hundred bytes; a server that sends more than
/// the cap is not one to read to the end (a 600 MiB error page would otherwise be held, then copied into messages).
/// </summary>
internal static class ResponseBody
{
    /// <summary>1 MiB, as for the 401 bodies <see cref="SalesforceAuthHandler"/> inspects.</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>The bytes read, whether the body ended within the cap, and the body stream (positioned after them).</summary>
    public readonly record struct Capped(byte[] Bytes, bool Complete, Stream? Rest);

    /// <summary>Reads at most <paramref name="max"/> bytes (one more to tell a full body from a longer one).</summary>
    /// <exception cref="HttpRequestException">The connection failed while the body was read (as ReadAsStringAsync reports it).</exception>
    public static async Task<Capped> ReadAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        if (DeclaredLength(content) is { } declared && declared > max)
        {
            return new Capped([], Complete: false, Rest: null);
        }

        try
        {
            return await ReadCoreAsync(content, max, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new HttpRequestException("the connection failed while the response body was read: " + ex.Message, ex);
        }
    }

    private static async Task<Capped> ReadCoreAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        if (DeclaredLength(content) is { } declared)
        {
            // The usual case (Salesforce sends a length): one array of exactly that size, no copying.
            var exact = new byte[declared];
            var filled = 0;
            while (filled < exact.Length)
            {
                var read = await stream.ReadAsync(exact.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new Capped(exact.AsSpan(0, filled).ToArray(), Complete: true, stream); // shorter than declared
                }

                filled += read;
            }

            return new Capped(exact, Complete: true, stream);
        }

        return await ReadChunkedAsync(stream, max, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Capped> ReadChunkedAsync(Stream stream, int max, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var room = (int)Math.Min(chunk.Length, max + 1L - buffer.Length);
                var read = await stream.ReadAsync(chunk.AsMemory(0, room), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new Capped(buffer.ToArray(), Complete: true, stream);
                }

                buffer.Write(chunk, 0, read);
                if (buffer.Length > max)
                {
                    return new Capped(buffer.ToArray(), Complete: false, stream);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The body's declared charset (UTF-8 when none or unknown: Salesforce sends UTF-8).</summary>
    public static Encoding EncodingOf(HttpContent content) => ContentTypeOf(content).Encoding;

    /// <summary>The body's media type and charset (UTF-8 when none or unknown: Salesforce sends UTF-8).</summary>
    /// <remarks>
    /// Salesforce's own answer, <c>application/json;charset=UTF-8</c>, is recognised from the raw header: the typed
    /// header (parse, lock, conversion of the header store) cost more than the rest of reading the answer.
    /// </remarks>
    public static (string? MediaType, Encoding Encoding) ContentTypeOf(HttpContent content)
    {
        if (content.Headers.NonValidated.TryGetValues("Content-Type", out var raw) && raw.Count == 1
            && raw.ToString() is "application/json;charset=UTF-8" or "application/json; charset=UTF-8" or "application/json")
        {
            return ("application/json", Encoding.UTF8);
        }

        var type = content.Headers.ContentType;
        if (type?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                return (type.MediaType, Encoding.GetEncoding(charset.Trim('"')));
            }
            catch (ArgumentException)
            {
                // An unknown charset: read it as UTF-8.
            }
        }

        return (type?.MediaType, Encoding.UTF8);
    }

    /// <summary>The declared Content-Length, read from the raw header when it is a plain number (the typed one is parsed under a lock).</summary>
    private static long? DeclaredLength(HttpContent content) =>
        content.Headers.NonValidated.TryGetValues("Content-Length", out var raw) && raw.Count == 1
            && long.TryParse(raw.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            ? length
            : content.Headers.ContentLength;

    /// <summary>The text of a body read whole, in its declared charset (UTF-8 otherwise), without a byte-order mark.</summary>
    public static string Decode(HttpContent content, byte[] bytes) => Decode(EncodingOf(content), bytes);

    /// <summary>The text of <paramref name="bytes"/> in <paramref name="encoding"/>, without a byte-order mark.</summary>
    public static string Decode(Encoding encoding, byte[] bytes)
    {
        var preamble = encoding.Preamble;
        var start = preamble.Length > 0 && bytes.AsSpan().StartsWith(preamble) ? preamble.Length : 0;
        return encoding.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary>Cuts <paramref name="text"/> to <paramref name="max"/> characters (never inside a surrogate pair), marking the cut.</summary>
    public static string? Shorten(string? text, int max)
    {
        if (text is null || text.Length <= max)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return string.Concat(text.AsSpan(0, cut), "… (", (text.Length - cut).ToString(System.Globalization.CultureInfo.InvariantCulture), " more characters)");
    }
}
