using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing;

/// <summary>An interaction prepared for serving: matchers built once, response bytes serialized once where possible.</summary>
internal sealed partial class CompiledInteraction
{
    /// <summary>URL fields of a token response that are pointed back at the server.</summary>
    internal static readonly string[] RewrittenFields = ["instance_url", "id", "sfdc_community_url", "api_instance_url"];

    private readonly (string Name, ValueMatcher Matcher)[] form;
    private readonly (string Name, ValueMatcher Matcher)[] query;
    private readonly (string Name, ValueMatcher Matcher)[] headers;
    private readonly (string Name, ValueMatcher Matcher)[]? json;
    private readonly byte[]? staticBody;
    private readonly Segment[]? segments;
    private readonly int bodyLength;
    private SignatureCache? lastSignature;
    private Rendering? lastRendering;
    private readonly int placeholderCount;
    private readonly bool bodyIsJson;
    private readonly byte[]? signedMessage;
    private int served;

    public CompiledInteraction(Interaction source, int index, Uri serverBase)
    {
        Source = source;
        Index = index;
        form = Compile(source.Request.Form);
        query = Compile(source.Request.Query);
        headers = Compile(source.Request.Headers);
        json = source.Request.Json is { } jsonPattern ? Compile(JsonFields.Flatten(jsonPattern)) : null;

        var response = source.Response;
        var fault = source.Fault;
        Status = response.Status;
        byte[] body;
        string contentType;
        if (fault?.Kind == FaultKind.MaintenancePage)
        {
            Status = 503;
            contentType = "text/html;charset=UTF-8";
            body = Encoding.UTF8.GetBytes(Fault.MaintenanceHtml);
        }
        else if (fault?.Kind == FaultKind.InvalidSession)
        {
            Status = 401;
            contentType = "application/json;charset=UTF-8";
            body = Encoding.UTF8.GetBytes(Fault.InvalidSessionJson);
        }
        else if (response.Json is not null)
        {
            contentType = "application/json;charset=UTF-8";
            var json = Rewrite(response.Json, serverBase);
            body = CassetteJson.SerializeBody(json);
            bodyIsJson = true;
            if (json is JsonObject obj && obj["signature"] is JsonValue signature && signature.TryGetValue<string>(out var signatureText) && signatureText == SignaturePlaceholder)
            {
                // Salesforce signs id + issued_at with the client secret; id is rewritten here, so sign what is served.
                signedMessage = Encoding.UTF8.GetBytes(StringOf(obj["id"]) + StringOf(obj["issued_at"]));
            }
        }
        else
        {
            contentType = "text/plain;charset=UTF-8";
            body = Encoding.UTF8.GetBytes(response.Text ?? string.Empty);
        }

        var responseHeaders = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in response.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                if (fault?.Kind is not (FaultKind.MaintenancePage or FaultKind.InvalidSession))
                {
                    contentType = value;
                }
            }
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                responseHeaders.Add(new(name, value));
            }
        }

        if (fault?.Kind == FaultKind.InvalidSession)
        {
            responseHeaders.Add(new("WWW-Authenticate", "Token"));
        }

        ContentType = contentType;
        Headers = responseHeaders.ToArray();
        var text = Encoding.UTF8.GetString(body);
        if (SecretRules.ContainsPlaceholder(text) || signedMessage is not null)
        {
            segments = Split(text, signedMessage is not null);
            bodyLength = body.Length;
            placeholderCount = segments.Count(segment => segment.Placeholder is not null);
        }
        else
        {
            staticBody = body;
        }
    }

    public Interaction Source { get; }

    public int Index { get; }

    public int Status { get; }

    public string ContentType { get; }

    public KeyValuePair<string, string>[] Headers { get; }

    public int Served => Volatile.Read(ref served);

    public bool Exhausted => Served >= Source.Times;

    /// <summary>Claims one use of this interaction; atomic, so concurrent identical requests get consecutive interactions.</summary>
    public bool TryConsume()
    {
        var limit = Source.Times;
        while (true)
        {
            var current = Volatile.Read(ref served);
            if (current >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref served, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public bool Matches(ObservedRequest request, ConcurrentDictionary<string, string> secrets)
    {
        var pattern = Source.Request;
        if (!string.Equals(pattern.Method, request.Method, StringComparison.OrdinalIgnoreCase) || !string.Equals(pattern.Path, request.Path, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var (name, matcher) in form)
        {
            if (!request.Form.TryGetValue(name, out var value) || !matcher.IsMatch(value, secrets))
            {
                return false;
            }
        }

        foreach (var (name, matcher) in query)
        {
            if (!request.Query.TryGetValue(name, out var value) || !matcher.IsMatch(value, secrets))
            {
                return false;
            }
        }

        foreach (var (name, matcher) in headers)
        {
            if (!request.Headers.TryGetValue(name, out var value) || !matcher.IsMatch(value.ToString(), secrets))
            {
                return false;
            }
        }

        if (json is not null)
        {
            if (request.Json is not { } body)
            {
                return false;
            }

            foreach (var (name, matcher) in json)
            {
                if (!body.TryGetValue(name, out var value) || !matcher.IsMatch(value, secrets))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Each way the request differs from this interaction, secrets masked; <paramref name="distance"/> ranks candidates (a different endpoint counts far more than a field).</summary>
    public List<string> Differences(ObservedRequest request, ConcurrentDictionary<string, string> secrets, out int distance)
    {
        distance = 0;
        var held = (IReadOnlyCollection<string>)secrets.Values;
        var differences = new List<string>();
        var pattern = Source.Request;
        if (!string.Equals(pattern.Method, request.Method, StringComparison.OrdinalIgnoreCase))
        {
            differences.Add($"method: expected {pattern.Method}, got {request.Method}");
            distance += 1000;
        }

        if (!string.Equals(pattern.Path, request.Path, StringComparison.Ordinal))
        {
            differences.Add($"path: expected '{pattern.Path}', got '{SecretRules.MaskValue("path", request.Path, held)}'");
            distance += 1000;
        }

        Compare("form field", form, request.Form.GetValueOrDefault, secrets, held, differences, header: false);
        Compare("query parameter", query, request.Query.GetValueOrDefault, secrets, held, differences, header: false);
        Compare("header", headers, name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null, secrets, held, differences, header: true);
        if (json is not null && request.Json is null)
        {
            differences.Add("body: expected JSON, got none (or not JSON)");
        }
        else if (json is not null)
        {
            Compare("JSON field", json, request.Json!.GetValueOrDefault, secrets, held, differences, header: false);
        }
        if (differences.Count == 0 && Exhausted)
        {
            differences.Add(Source.Times == 1 ? "already used (it answers once)" : $"already used {Source.Times} times (its limit)");
        }

        distance += differences.Count;
        return differences;
    }

    private static void Compare(string kind, (string Name, ValueMatcher Matcher)[] expected, Func<string, string?> actual, ConcurrentDictionary<string, string> secrets, IReadOnlyCollection<string> held, List<string> differences, bool header)
    {
        foreach (var (name, matcher) in expected)
        {
            var value = actual(name);
            var field = JsonFields.LeafName(name);
            var shownPattern = header ? SecretRules.MaskHeader(name, matcher.Pattern, held) : SecretRules.MaskValue(field, matcher.Pattern, held);
            if (value is null)
            {
                differences.Add($"{kind} '{name}': missing (expected '{shownPattern}')");
            }
            else if (!matcher.IsMatch(value, secrets))
            {
                var shownValue = header ? SecretRules.MaskHeader(name, value, held) : SecretRules.MaskValue(field, value, held);
                var note = matcher.HasPlaceholder ? " (the value held for the placeholder differs)" : string.Empty;
                differences.Add($"{kind} '{name}': expected '{shownPattern}', got '{shownValue}'{note}");
            }
        }
    }

    /// <summary>
    /// The body to send: the pre-serialized bytes, or the template's segments with placeholders filled (binding generated
    /// fakes). The last rendering is kept with the values it was built from: a test sends the same request again and
    /// again, so the hot path compares a few strings instead of encoding and copying the body each time.
    /// </summary>
    public ReadOnlyMemory<byte> RenderBody(ConcurrentDictionary<string, string> secrets, ObservedRequest request)
    {
        if (staticBody is not null)
        {
            return staticBody;
        }

        var clientSecret = signedMessage is null ? null : request.Form.GetValueOrDefault("client_secret") ?? string.Empty;
        var cached = Volatile.Read(ref lastRendering);
        if (cached is not null && string.Equals(cached.ClientSecret, clientSecret, StringComparison.Ordinal) && SameValues(cached.Values, secrets))
        {
            return cached.Body;
        }

        var values = new string[placeholderCount];
        var buffer = new ArrayBufferWriter<byte>(bodyLength + 256);
        var next = 0;
        foreach (var segment in segments!)
        {
            if (segment.Literal is not null)
            {
                buffer.Write(segment.Literal);
            }
            else if (segment.Placeholder is null)
            {
                buffer.Write(Sign(clientSecret!));
            }
            else
            {
                var value = secrets.GetOrAdd(segment.Placeholder, SecretRules.FakeValue);
                values[next++] = value;
                Encoding.UTF8.GetBytes(bodyIsJson ? JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() : value, buffer);
            }
        }

        var body = buffer.WrittenSpan.ToArray();
        Volatile.Write(ref lastRendering, new Rendering(values, clientSecret, body));
        return body;
    }

    /// <summary>Whether each placeholder still has the value the kept rendering used (binding a fake where none is held, as rendering would).</summary>
    private bool SameValues(string[] values, ConcurrentDictionary<string, string> secrets)
    {
        var next = 0;
        foreach (var segment in segments!)
        {
            if (segment.Placeholder is { } name && !string.Equals(values[next++], secrets.GetOrAdd(name, SecretRules.FakeValue), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A header value to send: placeholders filled (binding generated fakes), one value per line of the recorded text.</summary>
    public Microsoft.Extensions.Primitives.StringValues RenderHeader(string value, ConcurrentDictionary<string, string> secrets)
    {
        if (SecretRules.ContainsPlaceholder(value))
        {
            value = SecretRules.PlaceholderRegex().Replace(value, m => secrets.GetOrAdd(m.Groups[1].Value, SecretRules.FakeValue));
        }

        return value.Contains('\n', StringComparison.Ordinal) ? value.Split('\n') : value;
    }

    /// <summary>Base64(HMAC-SHA256(client secret, id + issued_at)); the last result is kept, since a test sends the same secret again and again.</summary>
    private byte[] Sign(string clientSecret)
    {
        var cached = Volatile.Read(ref lastSignature);
        if (cached is not null && string.Equals(cached.ClientSecret, clientSecret, StringComparison.Ordinal))
        {
            return cached.Value;
        }

        var signature = Encoding.ASCII.GetBytes(Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), signedMessage!)));
        Volatile.Write(ref lastSignature, new SignatureCache(clientSecret, signature));
        return signature;
    }

    private static Segment[] Split(string template, bool signs)
    {
        var segments = new List<Segment>();
        var position = 0;
        foreach (Match match in TemplateParts().Matches(template))
        {
            var isSignature = match.Groups[1].Success is false;
            if (isSignature && !signs)
            {
                continue; // an ordinary "{{signature}}" text where no signature is due stays as it is
            }

            segments.Add(new Segment(Encoding.UTF8.GetBytes(template[position..match.Index]), null));
            segments.Add(new Segment(null, isSignature ? null : match.Groups[1].Value));
            position = match.Index + match.Length;
        }

        segments.Add(new Segment(Encoding.UTF8.GetBytes(template[position..]), null));
        return [.. segments];
    }

    [GeneratedRegex(@"\{\{secret:([A-Za-z0-9_.\-]+)\}\}|\{\{signature\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex TemplateParts();

    /// <summary>A literal run of body bytes, a placeholder to fill, or (both null) the signature.</summary>
    private sealed record Segment(byte[]? Literal, string? Placeholder);

    private sealed record SignatureCache(string ClientSecret, byte[] Value);

    /// <summary>A rendered body and what it was rendered from: each placeholder's value in order, and the client secret it was signed with.</summary>
    private sealed record Rendering(string[] Values, string? ClientSecret, byte[] Body);

    /// <summary>The value of a response's <c>signature</c> field that the server replaces with the real HMAC of what it serves.</summary>
    internal const string SignaturePlaceholder = "{{signature}}";

    private static string StringOf(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? string.Empty;

    internal static JsonNode Rewrite(JsonNode json, Uri serverBase)
    {
        if (json is not JsonObject obj)
        {
            return json;
        }

        JsonObject? copy = null;
        foreach (var field in RewrittenFields)
        {
            if (obj[field] is JsonValue value && value.TryGetValue<string>(out var url) && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                copy ??= (JsonObject)obj.DeepClone();
                // Keep everything after the authority exactly as recorded (path, query, or nothing at all).
                var pathStart = url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3);
                copy[field] = serverBase.GetLeftPart(UriPartial.Authority) + (pathStart < 0 ? string.Empty : url[pathStart..]);
            }
        }

        return copy ?? obj;
    }

    private static (string, ValueMatcher)[] Compile(IDictionary<string, string> map)
    {
        var result = new (string, ValueMatcher)[map.Count];
        var i = 0;
        foreach (var (name, value) in map)
        {
            result[i++] = (name, ValueMatcher.Create(value));
        }

        return result;
    }
}
