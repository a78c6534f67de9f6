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
        (Status, var contentType, var body) = RenderFixedBody(response, fault, serverBase, out bodyIsJson, out signedMessage);
        var responseHeaders = ServedHeaders(response, fault, ref contentType);

        ContentType = contentType;
        Headers = responseHeaders;
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
