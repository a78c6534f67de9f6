using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

/// <summary>A request as the matcher sees it: decoded form and query fields, with Basic client authentication folded into the form.</summary>
internal sealed class ObservedRequest
{
    private const int MaxBody = 1 << 20;

    private ObservedRequest(string method, string path, string queryString, Dictionary<string, string> query, Dictionary<string, string> form, IHeaderDictionary headers, byte[] body, bool basic)
    {
        Method = method;
        Path = path;
        QueryString = queryString;
        Query = query;
        Form = form;
        Headers = headers;
        Body = body;
        ClientAuthenticatedWithBasic = basic;
    }

    public string Method { get; }

    public string Path { get; }

    public string QueryString { get; }

    public Dictionary<string, string> Query { get; }

    public Dictionary<string, string> Form { get; }

    /// <summary>A JSON body's leaves by path (see <see cref="JsonFields"/>), or <see langword="null"/> for a body that is not JSON.</summary>
    public Dictionary<string, string>? Json { get; private init; }

    public IHeaderDictionary Headers { get; }

    public byte[] Body { get; }

    public bool ClientAuthenticatedWithBasic { get; }

    public static async Task<ObservedRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        var contentType = request.ContentType;
        if (body.Length > 0 && contentType is not null && contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            ParseUrlEncoded(Encoding.UTF8.GetString(body), form);
        }

        var json = body.Length > 0 && contentType is not null && contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
            ? JsonFields.TryParse(body)
            : null;
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        var queryString = request.QueryString.HasValue ? request.QueryString.Value! : string.Empty;
        if (queryString.Length > 1)
        {
            ParseUrlEncoded(queryString[1..], query);
        }

        var basic = FoldBasic(request.Headers.Authorization.ToString(), form);
        return new ObservedRequest(request.Method, request.Path.Value ?? "/", queryString, query, form, request.Headers, body, basic) { Json = json };
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            if (length == 0)
            {
                return [];
            }

            if (length > MaxBody)
            {
                throw TooLarge();
            }

            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }

        // No Content-Length (chunked): the same cap, counted as the bytes arrive, so a chunked body cannot bypass it.
        using var stream = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (stream.Length + read > MaxBody)
                {
                    throw TooLarge();
                }

                stream.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return stream.ToArray();
    }

    private static BadHttpRequestException TooLarge() =>
        new("Request body too large for a cassette (the limit is 1 MiB).", StatusCodes.Status413PayloadTooLarge);

    /// <summary>Splits <c>a=1&amp;b=2</c> and decodes each part: <c>+</c> is a space, <c>%XX</c> are UTF-8 bytes. The first occurrence of a name wins.</summary>
    public static void ParseUrlEncoded(string text, Dictionary<string, string> into)
    {
        // Walks the text in place (no Split array, no substring per part): this runs for every request the server answers.
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var amp = rest.IndexOf('&');
            var part = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? [] : rest[(amp + 1)..];
            if (part.IsEmpty)
            {
                continue;
            }

            var equals = part.IndexOf('=');
            var name = Decode(equals < 0 ? part : part[..equals]);
            if (!into.ContainsKey(name))
            {
                into.Add(name, equals < 0 ? string.Empty : Decode(part[(equals + 1)..]));
            }
        }
    }

    private static readonly SearchValues<char> Encoded = SearchValues.Create("+%");

    private static string Decode(ReadOnlySpan<char> text) =>
        text.IndexOfAny(Encoded) < 0 ? text.ToString() : Uri.UnescapeDataString(text.ToString().Replace('+', ' '));

    /// <summary>
    /// Normalises <c>Authorization: Basic base64(id:secret)</c> into <c>client_id</c>/<c>client_secret</c> form fields,
    /// so one pattern matches either style. Only <c>%XX</c> is decoded in id and secret: RFC 6749 asks clients to
    /// form-encode them first, most send them raw, and a raw secret may contain <c>+</c>.
    /// </summary>
    private static bool FoldBasic(string authorization, Dictionary<string, string> form)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        form.TryAdd("client_id", Uri.UnescapeDataString(decoded[..colon]));
        form.TryAdd("client_secret", Uri.UnescapeDataString(decoded[(colon + 1)..]));
        return true;
    }
}
