using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace SfOAuthGen.Runtime.Tests.Infrastructure;

/// <summary>What the data API received: the bearer token and the body bytes as they arrived.</summary>
internal sealed record ApiRequest(HttpMethod Method, Uri? Uri, AuthenticationHeaderValue? Authorization, string? ContentType, byte[] Body)
{
    public string? BearerToken => Authorization is { Scheme: "Bearer", Parameter: { } token } ? token : null;
}

/// <summary>
/// An in-process stand-in for an org's REST API at <see cref="InstanceUrl"/> (the instance_url the fake token endpoint
/// hands out). The tests talk to it only through the org's API client, so a loopback server can later take its place.
/// </summary>
internal sealed class FakeDataApi : HttpMessageHandler
{
    public const string InvalidSessionBody = """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""";
    public const string RequestLimitBody = """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""";

    public static Uri InstanceUrl { get; } = new(Responses.InstanceUrl);

    public Func<ApiRequest, CancellationToken, Task<HttpResponseMessage>> Respond { get; set; } =
        (_, _) => Task.FromResult(Responses.Json(HttpStatusCode.OK, """{"totalSize":0,"done":true,"records":[]}"""));

    public ConcurrentQueue<ApiRequest> Requests { get; } = new();

    public int Count => Requests.Count;

    public static HttpResponseMessage InvalidSession() => Responses.Json(HttpStatusCode.Unauthorized, InvalidSessionBody);

    public static HttpResponseMessage RequestLimitExceeded() => Responses.Json(HttpStatusCode.Forbidden, RequestLimitBody);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var received = new ApiRequest(request.Method, request.RequestUri, request.Headers.Authorization, request.Content?.Headers.ContentType?.MediaType, body);
        Requests.Enqueue(received);
        return await Respond(received, cancellationToken);
    }
}
