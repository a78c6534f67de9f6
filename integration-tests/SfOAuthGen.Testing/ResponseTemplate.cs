using System.Text.Json.Nodes;

namespace SfOAuthGen.Testing;

/// <summary>
/// The response an <see cref="Interaction"/> gives: status, headers and a JSON or text body. Placeholders such as
/// <c>{{secret:access_token}}</c> in the body are replaced when served (see <see cref="RecordedResponseServer.Secrets"/>),
/// and the URL fields <c>instance_url</c>, <c>id</c>, <c>sfdc_community_url</c> and <c>api_instance_url</c> of a JSON
/// object body are pointed back at the server.
/// </summary>
public sealed class ResponseTemplate
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; set; } = 200;

    /// <summary>Response headers. <c>Content-Type</c> defaults to JSON or plain text by the body's kind.</summary>
    public IDictionary<string, string> Headers { get; } = new SortedList<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A JSON body (<c>"json"</c>); exclusive with <see cref="Text"/>.</summary>
    public JsonNode? Json { get; set; }

    /// <summary>A text body (<c>"text"</c>); exclusive with <see cref="Json"/>.</summary>
    public string? Text { get; set; }

    /// <summary>A response with a JSON body.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="json">The body as JSON text.</param>
    public static ResponseTemplate FromJson(int status, string json) => new() { Status = status, Json = JsonNode.Parse(json) };

    /// <summary>A response with a JSON body.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="json">The body.</param>
    public static ResponseTemplate FromJson(int status, JsonNode json) => new() { Status = status, Json = json };

    /// <summary>A response with a text body.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="text">The body.</param>
    /// <param name="contentType">The <c>Content-Type</c> header.</param>
    public static ResponseTemplate FromText(int status, string text, string contentType = "text/plain;charset=UTF-8")
    {
        var response = new ResponseTemplate { Status = status, Text = text };
        response.Headers["Content-Type"] = contentType;
        return response;
    }

    /// <summary>Adds a header and returns this response.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    public ResponseTemplate WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }
}
