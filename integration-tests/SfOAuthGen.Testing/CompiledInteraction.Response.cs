using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing;

// What an interaction serves: its fixed body and headers, and the body rendered with held placeholders and a signature.
internal sealed partial class CompiledInteraction
{
    /// <summary>The status, content type and body a response (or its fault) serves, before any placeholder is filled in.</summary>
    private static (int Status, string ContentType, byte[] Body) RenderFixedBody(
        ResponseTemplate response, Fault? fault, Uri serverBase, out bool bodyIsJson, out byte[]? signedMessage)
    {
        bodyIsJson = false;
        signedMessage = null;
        if (fault?.Kind == FaultKind.MaintenancePage)
        {
            return (503, "text/html;charset=UTF-8", Encoding.UTF8.GetBytes(Fault.MaintenanceHtml));
        }

        if (fault?.Kind == FaultKind.InvalidSession)
        {
            return (401, "application/json;charset=UTF-8", Encoding.UTF8.GetBytes(Fault.InvalidSessionJson));
        }

        if (response.Json is null)
        {
            return (response.Status, "text/plain;charset=UTF-8", Encoding.UTF8.GetBytes(response.Text ?? string.Empty));
        }

        var json = Rewrite(response.Json, serverBase);
        bodyIsJson = true;
        if (json is JsonObject obj && obj["signature"] is JsonValue signature && signature.TryGetValue<string>(out var signatureText) && signatureText == SignaturePlaceholder)
        {
            // Salesforce signs id + issued_at with the client secret; id is rewritten here, so sign what is served.
            signedMessage = Encoding.UTF8.GetBytes(StringOf(obj["id"]) + StringOf(obj["issued_at"]));
        }

        return (response.Status, "application/json;charset=UTF-8", CassetteJson.SerializeBody(json));
    }

    /// <summary>The recorded headers to serve: Content-Type replaces the default (except for a fault's own), lengths are Kestrel's.</summary>
    private static KeyValuePair<string, string>[] ServedHeaders(ResponseTemplate response, Fault? fault, ref string contentType)
    {
        var served = new List<KeyValuePair<string, string>>();
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
                served.Add(new(name, value));
            }
        }

        if (fault?.Kind == FaultKind.InvalidSession)
        {
            served.Add(new("WWW-Authenticate", "Token"));
        }

        return [.. served];
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
        value = SecretRules.ReplacePlaceholders(value, name => secrets.GetOrAdd(name, SecretRules.FakeValue));

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
        // Placeholders and (when a signature is due) "{{signature}}", left to right; scanned, not matched with a regex,
        // since this runs while the cassette is compiled at start. An ordinary "{{signature}}" text where no signature is
        // due stays as it is.
        var segments = new List<Segment>();
        var position = 0;
        while (true)
        {
            var placeholder = SecretRules.FindPlaceholder(template, position, out var length);
            var signature = signs ? template.IndexOf(SignaturePlaceholder, position, StringComparison.Ordinal) : -1;
            var isSignature = signature >= 0 && (placeholder < 0 || signature < placeholder);
            var at = isSignature ? signature : placeholder;
            if (at < 0)
            {
                break;
            }

            length = isSignature ? SignaturePlaceholder.Length : length;
            segments.Add(new Segment(Encoding.UTF8.GetBytes(template[position..at]), null));
            segments.Add(new Segment(null, isSignature ? null : SecretRules.PlaceholderName(template, at, length)));
            position = at + length;
        }

        segments.Add(new Segment(Encoding.UTF8.GetBytes(template[position..]), null));
        return [.. segments];
    }

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
}
