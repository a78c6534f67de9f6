namespace SfOAuthGen.Testing;

/// <summary>
/// What a request must look like to match an <see cref="Interaction"/>: method, path and, optionally, a subset of
/// its form fields, query parameters and headers. Values are compared exactly after decoding, except that a
/// placeholder such as <c>{{secret:client_secret}}</c> (see <see cref="Placeholder"/>) matches any value, or the value
/// the test supplied in <see cref="RecordedResponseServer.Secrets"/>.
/// </summary>
public sealed class RequestPattern
{
    /// <summary>Creates a pattern for <paramref name="method"/> and <paramref name="path"/>.</summary>
    /// <param name="method">The HTTP method, e.g. <c>POST</c>.</param>
    /// <param name="path">The decoded path, e.g. <c>/services/oauth2/token</c>.</param>
    public RequestPattern(string method, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Method = method.ToUpperInvariant();
        Path = path;
    }

    /// <summary>The token endpoint's path, <c>/services/oauth2/token</c>.</summary>
    public const string TokenPath = "/services/oauth2/token";

    /// <summary>The HTTP method (upper case).</summary>
    public string Method { get; }

    /// <summary>The decoded request path.</summary>
    public string Path { get; }

    // The maps are SortedLists, not SortedDictionaries: the same order and contract for a handful of entries, and no tree of
    // key-value structs for the JIT to compile each time a process starts its first server (the framework's precompiled
    // code covers SortedList<string, string>, not SortedDictionary's inner SortedSet of pairs).

    /// <summary>Form fields the request body must carry (others are ignored). <c>Authorization: Basic</c> counts as <c>client_id</c> and <c>client_secret</c>.</summary>
    public IDictionary<string, string> Form { get; } = new SortedList<string, string>(StringComparer.Ordinal);

    /// <summary>Query parameters the request must carry (others are ignored).</summary>
    public IDictionary<string, string> Query { get; } = new SortedList<string, string>(StringComparer.Ordinal);

    /// <summary>Headers the request must carry (names case-insensitive; others are ignored).</summary>
    public IDictionary<string, string> Headers { get; } = new SortedList<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A JSON body the request must carry, matched like <see cref="Form"/>: every value given here must be present at the
    /// same place (objects may have more properties), strings compared after decoding and may hold placeholders.
    /// <see langword="null"/> (the default) does not look at a JSON body.
    /// </summary>
    public System.Text.Json.Nodes.JsonNode? Json { get; set; }

    /// <summary>Requires a JSON body containing <paramref name="json"/> and returns this pattern.</summary>
    /// <param name="json">The JSON text, e.g. <c>{"grant_type":"password","password":"{{secret:password}}"}</c>.</param>
    public RequestPattern WithJson(string json)
    {
        Json = System.Text.Json.Nodes.JsonNode.Parse(json);
        return this;
    }

    /// <summary>A <c>POST</c> pattern for <paramref name="path"/>.</summary>
    /// <param name="path">The decoded path.</param>
    public static RequestPattern Post(string path = TokenPath) => new("POST", path);

    /// <summary>A <c>GET</c> pattern for <paramref name="path"/>.</summary>
    /// <param name="path">The decoded path.</param>
    public static RequestPattern Get(string path) => new("GET", path);

    /// <summary>Requires a form field and returns this pattern.</summary>
    /// <param name="name">The decoded field name.</param>
    /// <param name="value">The decoded value or a placeholder.</param>
    public RequestPattern WithForm(string name, string value)
    {
        Form[name] = value;
        return this;
    }

    /// <summary>Requires a query parameter and returns this pattern.</summary>
    /// <param name="name">The decoded parameter name.</param>
    /// <param name="value">The decoded value or a placeholder.</param>
    public RequestPattern WithQuery(string name, string value)
    {
        Query[name] = value;
        return this;
    }

    /// <summary>Requires a header and returns this pattern.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value or a template containing placeholders, e.g. <c>Bearer {{secret:access_token}}</c>.</param>
    public RequestPattern WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }
}
