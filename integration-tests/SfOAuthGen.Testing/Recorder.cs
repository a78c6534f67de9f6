using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

/// <summary>Record mode: proxies requests to an upstream, keeps each exchange, and turns them into a redacted cassette.</summary>
internal sealed class Recorder : IDisposable
{
    /// <summary>Secrets shorter than this are not searched for: they would be found inside ordinary words.</summary>
    internal const int MinimumSearchedLength = 4;

    private readonly Uri upstream;
    private readonly HttpClient client;
    private readonly List<Exchange> exchanges = [];
    private readonly Lock gate = new();

    public Recorder(Uri upstream)
    {
        this.upstream = upstream;
        client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public void Dispose() => client.Dispose();

    public async Task<int> ProxyAsync(HttpContext context, ObservedRequest request, Uri serverBase, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var target = new Uri(upstream.GetLeftPart(UriPartial.Path).TrimEnd('/') + request.Path + request.QueryString);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (request.Body.Length > 0)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (context.Request.ContentType is { } contentType)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Length > 0)
        {
            message.Headers.TryAddWithoutValidation("Accept", accept);
        }

        HttpResponseMessage upstreamResponse;
        try
        {
            upstreamResponse = await client.SendAsync(message, linked.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var text = Encoding.UTF8.GetBytes($"The recorder could not reach the upstream {upstream.GetLeftPart(UriPartial.Authority)}: {e.Message}");
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/plain;charset=UTF-8";
            await context.Response.Body.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
            return StatusCodes.Status502BadGateway;
        }

        using (upstreamResponse)
        {
            var body = await upstreamResponse.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            var responseType = upstreamResponse.Content.Headers.ContentType?.ToString();
            var json = TryParseJson(body, responseType);
            var requestHeaders = context.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).ToArray();
            var responseHeaders = RecordedHeaders(upstreamResponse);
            lock (gate)
            {
                exchanges.Add(new Exchange(request, authorization, requestHeaders, (int)upstreamResponse.StatusCode, responseType, responseHeaders, json, Encoding.UTF8.GetString(body)));
            }

            // The client's next calls (to instance_url) must come back through the recorder to be recorded too.
            var answer = json is null ? body : CassetteJson.SerializeBody(Resign(json, CompiledInteraction.Rewrite(json, serverBase), request.Form.GetValueOrDefault("client_secret")));
            context.Response.StatusCode = (int)upstreamResponse.StatusCode;
            foreach (var (name, values) in responseHeaders)
            {
                context.Response.Headers[name] = values;
            }

            if (responseType is not null)
            {
                context.Response.ContentType = responseType;
            }

            context.Response.ContentLength = answer.Length;
            await context.Response.Body.WriteAsync(answer, context.RequestAborted).ConfigureAwait(false);
            return (int)upstreamResponse.StatusCode;
        }
    }

    /// <summary>
    /// Salesforce signs <c>id</c> + <c>issued_at</c> with the client secret, so rewriting <c>id</c> to the recorder breaks
    /// a client that verifies signatures. When the upstream's signature was valid for the request's client secret, the
    /// rewritten response gets the signature of what it now says; an invalid one is passed on unchanged.
    /// </summary>
    private static JsonNode Resign(JsonNode original, JsonNode rewritten, string? clientSecret)
    {
        if (clientSecret is null || ReferenceEquals(original, rewritten) || original is not JsonObject before || rewritten is not JsonObject after
            || Text(before, "signature") is not { } signature || Text(before, "issued_at") is not { } issuedAt
            || Text(before, "id") is not { } id || Text(after, "id") is not { } newId
            || signature != Sign(clientSecret, id + issuedAt))
        {
            return rewritten;
        }

        after["signature"] = Sign(clientSecret, newId + issuedAt);
        return after;

        static string? Text(JsonObject obj, string name) => obj[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

        static string Sign(string key, string message) =>
            Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message)));
    }

    /// <summary>Headers that describe the exchange itself (framing, hop-by-hop) and are not part of a recorded response.</summary>
    private static readonly HashSet<string> UnrecordedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Date", "Server", "Upgrade",
        "Proxy-Connection", "Trailer", "TE",
    };

    private static KeyValuePair<string, string[]>[] RecordedHeaders(HttpResponseMessage response) =>
        [.. response.Headers.Concat(response.Content.Headers)
            .Where(h => !UnrecordedHeaders.Contains(h.Key))
            .Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.ToArray()))];

    private static JsonNode? TryParseJson(byte[] body, string? contentType)
    {
        if (body.Length == 0 || contentType is null || !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The recorded exchanges so far.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return exchanges.Count;
            }
        }
    }

    /// <summary>The redacted cassette: <paramref name="replayed"/>'s interactions (new_episodes) followed by what was recorded.</summary>
    public Cassette BuildCassette(Cassette? replayed = null)
    {
        Exchange[] snapshot;
        lock (gate)
        {
            snapshot = [.. exchanges];
        }

        var names = new Placeholders();

        // Pass 1, in order of appearance: give every secret value a placeholder name, the same value always the same name.
        foreach (var exchange in snapshot)
        {
            NameFields(exchange.Request.Query, names);
            NameFields(exchange.Request.Form, names);
            if (exchange.Authorization.Length > 0 && !exchange.Request.ClientAuthenticatedWithBasic)
            {
                var bearer = BearerToken(exchange.Authorization);
                names.NameOf(bearer is null ? "authorization" : "access_token", bearer ?? exchange.Authorization);
            }

            if (exchange.Json is not null)
            {
                NameJson(exchange.Json, names);
            }

            if (exchange.RequestJson is not null)
            {
                NameJson(exchange.RequestJson, names);
            }

            foreach (var (name, values) in exchange.ResponseHeaders)
            {
                foreach (var value in values)
                {
                    NameHeader(name, value, names);
                }
            }
        }

        // Then every credential recognisable by its shape, wherever the recorder saw it: under a name no rule knows,
        // in an XML or form-encoded body, a query string, or a header that is not even recorded.
        foreach (var exchange in snapshot)
        {
            foreach (var seen in exchange.EveryText())
            {
                foreach (var token in SecretRules.FindTokens(seen))
                {
                    names.NameOf(token.StartsWith("5Aep", StringComparison.Ordinal) ? "refresh_token" : "access_token", token);
                }
            }
        }

        // Pass 2: write the interactions with every secret replaced, wherever it occurs.
        var cassette = new Cassette { Description = replayed?.Description ?? "Recorded by SfOAuthGen.Testing; every secret replaced by a placeholder." };
        foreach (var interaction in replayed?.Interactions ?? [])
        {
            cassette.Add(interaction);
        }

        foreach (var (name, value) in replayed?.Placeholders ?? new Dictionary<string, string>())
        {
            cassette.Placeholders[name] = value;
        }

        foreach (var exchange in snapshot)
        {
            var pattern = new RequestPattern(exchange.Request.Method, names.Redact(exchange.Request.Path));
            RedactFields(exchange.Request.Query, pattern.Query, names);
            RedactFields(exchange.Request.Form, pattern.Form, names);
            if (exchange.RequestJson is not null)
            {
                var requestJson = exchange.RequestJson.DeepClone();
                RedactJson(requestJson, names);
                pattern.Json = requestJson;
            }

            if (exchange.Authorization.Length > 0 && !exchange.Request.ClientAuthenticatedWithBasic)
            {
                pattern.Headers["Authorization"] = BearerToken(exchange.Authorization) is { } bearer
                    ? "Bearer " + Placeholder.Secret(names.NameOf("access_token", bearer))
                    : Placeholder.Secret(names.NameOf("authorization", exchange.Authorization));
            }

            var response = new ResponseTemplate { Status = exchange.Status };
            if (exchange.Json is not null)
            {
                var json = exchange.Json.DeepClone();
                RedactJson(json, names);
                response.Json = json;
            }
            else
            {
                response.Text = names.Redact(exchange.Text);
            }

            if (exchange.ContentType is not null)
            {
                response.Headers["Content-Type"] = exchange.ContentType;
            }

            foreach (var (name, values) in exchange.ResponseHeaders)
            {
                // Several values (Set-Cookie) are kept one per line; the server sends each as its own header.
                response.Headers[name] = string.Join('\n', values.Select(value => RedactHeader(name, value, names)));
            }

            cassette.Add(pattern, response);
        }

        // Refuse rather than write a file from which any secret could be recovered.
        var text = cassette.ToJson();
        foreach (var (value, name) in names.All)
        {
            if (value.Length < MinimumSearchedLength)
            {
                continue;
            }

            foreach (var (encoding, encoded) in SecretRules.Encodings(value))
            {
                if (text.Contains(encoded, StringComparison.Ordinal))
                {
                    throw new SecretLeakException(string.Create(CultureInfo.InvariantCulture,
                        $"Refusing to write the recording: the secret recorded as {Placeholder.Secret(name)} can still be found in it ({encoding}). Nothing was written."));
                }
            }
        }

        return cassette;
    }

    /// <summary>Names the secret parts of a response header: each cookie's value, or the whole value of a session-like header.</summary>
    private static void NameHeader(string name, string value, Placeholders names)
    {
        if (SecretRules.IsCookieHeader(name))
        {
            foreach (var (cookie, cookieValue) in Cookies(name, value))
            {
                if (cookieValue.Length > 0)
                {
                    names.NameOf(CookieKind(cookie), cookieValue);
                }
            }
        }
        else if (SecretRules.IsSecretHeader(name) && value.Length > 0)
        {
            names.NameOf(HeaderKind(name), value);
        }
    }

    private static string RedactHeader(string name, string value, Placeholders names)
    {
        if (SecretRules.IsCookieHeader(name))
        {
            var text = value;
            foreach (var (cookie, cookieValue) in Cookies(name, value))
            {
                if (cookieValue.Length > 0)
                {
                    text = text.Replace(cookie + "=" + cookieValue, cookie + "=" + Placeholder.Secret(names.NameOf(CookieKind(cookie), cookieValue)), StringComparison.Ordinal);
                }
            }

            return names.Redact(text);
        }

        return SecretRules.IsSecretHeader(name) && value.Length > 0 ? Placeholder.Secret(names.NameOf(HeaderKind(name), value)) : names.Redact(value);
    }

    /// <summary>The name=value pairs of a Cookie header, or the one cookie of a Set-Cookie header (its attributes are not cookies).</summary>
    private static IEnumerable<(string Name, string Value)> Cookies(string header, string value)
    {
        var parts = value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var count = header.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? Math.Min(1, parts.Length) : parts.Length;
        for (var i = 0; i < count; i++)
        {
            var equals = parts[i].IndexOf('=');
            if (equals > 0)
            {
                yield return (parts[i][..equals], parts[i][(equals + 1)..]);
            }
        }
    }

    private static string CookieKind(string cookie) => "cookie_" + SafeName(cookie);

    private static string HeaderKind(string header) => "header_" + SafeName(header);

    private static string SafeName(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? char.ToLowerInvariant(c) : '_');
        }

        return builder.Length == 0 ? "value" : builder.ToString();
    }

    private static string? BearerToken(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;

    private static void NameFields(Dictionary<string, string> fields, Placeholders names)
    {
        foreach (var (field, value) in fields)
        {
            if (SecretRules.IsSecretField(field) && value.Length > 0)
            {
                names.NameOf(field.ToLowerInvariant(), value);
            }
        }
    }

    private static void RedactFields(Dictionary<string, string> fields, IDictionary<string, string> into, Placeholders names)
    {
        foreach (var (field, value) in fields)
        {
            into[field] = SecretRules.IsSecretField(field) && value.Length > 0
                ? Placeholder.Secret(names.NameOf(field.ToLowerInvariant(), value))
                : names.Redact(value);
        }
    }

    private static void NameJson(JsonNode node, Placeholders names)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                if (SecretRules.IsSecretField(key) && value is JsonValue v && v.TryGetValue<string>(out var secret) && secret.Length > 0)
                {
                    names.NameOf(key.ToLowerInvariant(), secret);
                }
                else if (value is not null)
                {
                    NameJson(value, names);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is not null)
                {
                    NameJson(item, names);
                }
            }
        }
    }

    private static void RedactJson(JsonNode node, Placeholders names)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).ToList())
            {
                var value = obj[key];
                if (value is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    if (key == "signature" && obj.ContainsKey("id") && obj.ContainsKey("issued_at"))
                    {
                        obj[key] = CompiledInteraction.SignaturePlaceholder; // replay signs what it serves
                        continue;
                    }

                    obj[key] = SecretRules.IsSecretField(key) && text.Length > 0
                        ? Placeholder.Secret(names.NameOf(key.ToLowerInvariant(), text))
                        : names.Redact(text);
                }
                else if (value is not null)
                {
                    RedactJson(value, names);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    array[i] = names.Redact(text);
                }
                else if (array[i] is { } child)
                {
                    RedactJson(child, names);
                }
            }
        }
    }

    private sealed record Exchange(
        ObservedRequest Request,
        string Authorization,
        KeyValuePair<string, string>[] RequestHeaders,
        int Status,
        string? ContentType,
        KeyValuePair<string, string[]>[] ResponseHeaders,
        JsonNode? Json,
        string Text)
    {
        /// <summary>The request's JSON body, when it had one.</summary>
        public JsonNode? RequestJson { get; } = Request.Json is null ? null : JsonNode.Parse(Request.Body);

        /// <summary>Everything the recorder saw of this exchange as text, recorded or not.</summary>
        public IEnumerable<string> EveryText()
        {
            yield return Request.Path;
            yield return Request.QueryString;
            yield return Uri.UnescapeDataString(Request.QueryString);
            foreach (var value in Request.Query.Values.Concat(Request.Form.Values))
            {
                yield return value;
            }

            yield return Encoding.UTF8.GetString(Request.Body);
            foreach (var (_, value) in RequestHeaders)
            {
                yield return value;
            }

            foreach (var (_, values) in ResponseHeaders)
            {
                foreach (var value in values)
                {
                    yield return value;
                }
            }

            yield return Text;
        }
    }

    /// <summary>Secret value → placeholder name: the first value of a kind is named after it, later ones get <c>_2</c>, <c>_3</c>….</summary>
    private sealed class Placeholders
    {
        private readonly Dictionary<string, string> byValue = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> perKind = new(StringComparer.Ordinal);
        private List<KeyValuePair<string, string>>? longestFirst;

        public IEnumerable<KeyValuePair<string, string>> All => byValue;

        public string NameOf(string kind, string value)
        {
            if (byValue.TryGetValue(value, out var name))
            {
                return name;
            }

            var count = perKind.GetValueOrDefault(kind) + 1;
            perKind[kind] = count;
            name = count == 1 ? kind : kind + "_" + count.ToString(CultureInfo.InvariantCulture);
            byValue[value] = name;
            longestFirst = null;
            return name;
        }

        /// <summary>Replaces every occurrence of a known secret inside <paramref name="text"/>, raw or URL-encoded, with its placeholder.</summary>
        public string Redact(string text)
        {
            longestFirst ??= [.. byValue.Where(p => p.Key.Length >= MinimumSearchedLength).OrderByDescending(p => p.Key.Length)];
            foreach (var (value, name) in longestFirst)
            {
                foreach (var written in (string[])[value, Uri.EscapeDataString(value), System.Net.WebUtility.UrlEncode(value), System.Web.HttpUtility.UrlEncode(value)])
                {
                    if (text.Contains(written, StringComparison.Ordinal))
                    {
                        text = text.Replace(written, Placeholder.Secret(name), StringComparison.Ordinal);
                    }
                }
            }

            return text;
        }
    }
}
