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
        if (content.Headers.ContentLength is { } declared && declared > max)
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
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
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

    /// <summary>The text of a body read whole, in its declared charset (UTF-8 otherwise), without a byte-order mark.</summary>
    public static string Decode(HttpContent content, byte[] bytes)
    {
        var encoding = Encoding.UTF8;
        if (content.Headers.ContentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // An unknown charset: Salesforce sends UTF-8, so read it as that.
            }
        }

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
