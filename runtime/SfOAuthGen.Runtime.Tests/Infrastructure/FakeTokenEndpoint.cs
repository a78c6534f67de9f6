using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SfOAuthGen.Runtime.Tests.Infrastructure;

/// <summary>What the fake endpoint received, with the form decoded independently of the code under test.</summary>
internal sealed record ReceivedRequest(
    HttpMethod Method, Uri? Uri, AuthenticationHeaderValue? Authorization, string? ContentType, string Body, IReadOnlyList<KeyValuePair<string, string>> Form)
{
    public string? Field(string name) => Form.Where(f => f.Key == name).Select(f => f.Value).SingleOrDefault();

    public string[] FieldNames => Form.Select(f => f.Key).Order(StringComparer.Ordinal).ToArray();

    public string? BasicCredentials =>
        Authorization is { Scheme: "Basic", Parameter: { } p } ? Encoding.UTF8.GetString(Convert.FromBase64String(p)) : null;
}

/// <summary>An in-process token endpoint: records every request and answers with <see cref="Respond"/>.</summary>
internal sealed class FakeTokenEndpoint : HttpMessageHandler
{
    private int _count;

    public Func<ReceivedRequest, CancellationToken, Task<HttpResponseMessage>> Respond { get; set; } =
        (_, _) => Task.FromResult(Responses.Success());

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public int Count => Volatile.Read(ref _count);

    public ReceivedRequest Last => Requests.Last();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var received = new ReceivedRequest(
            request.Method, request.RequestUri, request.Headers.Authorization, request.Content?.Headers.ContentType?.MediaType, body, DecodeForm(body));
        Requests.Enqueue(received);
        Interlocked.Increment(ref _count);
        return await Respond(received, cancellationToken);
    }

    /// <summary>application/x-www-form-urlencoded decoding, written here so the test does not trust the runtime's encoder.</summary>
    public static List<KeyValuePair<string, string>> DecodeForm(string body)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (body.Length == 0)
        {
            return result;
        }

        foreach (var pair in body.Split('&'))
        {
            var eq = pair.IndexOf('=');
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            result.Add(new(Uri.UnescapeDataString(name.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' '))));
        }

        return result;
    }
}

internal static class Responses
{
    public const string InstanceUrl = "https://na1.example.my.salesforce.com";
    public const string IdentityUrl = "https://test.salesforce.com/id/00D5g000004XyZ1EAK/0055g00000ABCDEAA1";
    public const string IssuedAtMs = "1676372418560";

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Json(HttpStatusCode status, object body) => Json(status, JsonSerializer.Serialize(body));

    public static HttpResponseMessage Success(string accessToken = Secrets.AccessToken, string? refreshToken = null, string? signWith = null) =>
        Json(HttpStatusCode.OK, Body(accessToken, refreshToken, signWith));

    public static Dictionary<string, object?> Body(string accessToken = Secrets.AccessToken, string? refreshToken = null, string? signWith = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["access_token"] = accessToken,
            ["instance_url"] = InstanceUrl,
            ["id"] = IdentityUrl,
            ["token_type"] = "Bearer",
            ["issued_at"] = IssuedAtMs,
        };
        if (signWith is not null)
        {
            body["signature"] = Sign(signWith, IdentityUrl, IssuedAtMs);
        }

        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }

        return body;
    }

    public static string Sign(string key, string id, string issuedAt)
    {
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(key));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(id + issuedAt)));
    }

    public static HttpResponseMessage Error(string error, string? description, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        Json(status, new Dictionary<string, string?> { ["error"] = error, ["error_description"] = description });
}
