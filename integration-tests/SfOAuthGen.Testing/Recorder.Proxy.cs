using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

/// <summary>Forwarding one request to the upstream, keeping the exchange, and answering the client.</summary>
internal sealed partial class Recorder
{
    public async Task<int> ProxyAsync(HttpContext context, ObservedRequest request, Uri serverBase, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var authorization = context.Request.Headers.Authorization.ToString();
        using var message = UpstreamRequest(context, request, authorization);
        HttpResponseMessage upstreamResponse;
        try
        {
            upstreamResponse = await client.SendAsync(message, linked.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return await AnswerUnreachableAsync(context, e).ConfigureAwait(false);
        }

        using (upstreamResponse)
        {
            var body = await upstreamResponse.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            var exchange = Keep(context, request, authorization, upstreamResponse, body);

            // The client's next calls (to instance_url) must come back through the recorder to be recorded too.
            var answer = exchange.Json is null
                ? body
                : CassetteJson.SerializeBody(Resign(exchange.Json, CompiledInteraction.Rewrite(exchange.Json, serverBase), request.Form.GetValueOrDefault("client_secret")));
            await AnswerClientAsync(context, exchange, answer).ConfigureAwait(false);
            return exchange.Status;
        }
    }

    /// <summary>The client's request as the upstream should see it: method, path, query, body and the headers that matter.</summary>
    private HttpRequestMessage UpstreamRequest(HttpContext context, ObservedRequest request, string authorization)
    {
        var target = new Uri(upstream.GetLeftPart(UriPartial.Path).TrimEnd('/') + request.Path + request.QueryString);
        var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (request.Body.Length > 0)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (context.Request.ContentType is { } contentType)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (authorization.Length > 0)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Length > 0)
        {
            message.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return message;
    }

    /// <summary>A 502 that names the upstream, so a recording session that cannot reach Salesforce says why.</summary>
    private async Task<int> AnswerUnreachableAsync(HttpContext context, HttpRequestException e)
    {
        var text = Encoding.UTF8.GetBytes($"The recorder could not reach the upstream {upstream.GetLeftPart(UriPartial.Authority)}: {e.Message}");
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
        context.Response.ContentType = "text/plain;charset=UTF-8";
        await context.Response.Body.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        return StatusCodes.Status502BadGateway;
    }

    /// <summary>Adds the exchange, unredacted, to those the cassette will be built from.</summary>
    private Exchange Keep(HttpContext context, ObservedRequest request, string authorization, HttpResponseMessage upstreamResponse, byte[] body)
    {
        var responseType = upstreamResponse.Content.Headers.ContentType?.ToString();
        var json = TryParseJson(body, responseType);
        var requestHeaders = context.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).ToArray();
        var responseHeaders = RecordedHeaders(upstreamResponse);
        var exchange = new Exchange(request, authorization, requestHeaders, (int)upstreamResponse.StatusCode, responseType, responseHeaders, json, Encoding.UTF8.GetString(body));
        lock (gate)
        {
            exchanges.Add(exchange);
        }

        return exchange;
    }

    private static async Task AnswerClientAsync(HttpContext context, Exchange exchange, byte[] answer)
    {
        context.Response.StatusCode = exchange.Status;
        foreach (var (name, values) in exchange.ResponseHeaders)
        {
            context.Response.Headers[name] = values;
        }

        if (exchange.ContentType is not null)
        {
            context.Response.ContentType = exchange.ContentType;
        }

        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer, context.RequestAborted).ConfigureAwait(false);
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
}
