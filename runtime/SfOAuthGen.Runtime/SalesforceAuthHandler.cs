using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Sends requests to an org's instance with <c>Authorization: Bearer</c>. When Salesforce answers 401 with
/// <c>INVALID_SESSION_ID</c>, it drops that token, obtains a new one (one renewal shared with every other caller of the
/// same <see cref="SalesforceTokenClient"/>) and sends the request once more; whatever the second answer is, it is returned.
/// </summary>
/// <remarks>
/// <para>
/// Addressing: a request for <see cref="InstanceBaseAddress"/> (the base address of the clients that dependency injection
/// registers) or with a relative URI is sent to the token's <see cref="SalesforceToken.InstanceUrl"/>, keeping its path and
/// query. A request for the instance's own scheme, host and port is sent as it is. A request for any other host is sent
/// without a token and never retried: the token goes only where Salesforce said the org lives.
/// </para>
/// <para>
/// No renewal on other 401s or on 403 (<c>REQUEST_LIMIT_EXCEEDED</c> and the like). A request that already carries an
/// <c>Authorization</c> header is sent untouched. Request bodies are buffered before the first send so the retry resends
/// the same bytes (byte-array, string and form contents already are). If renewing fails, the
/// <see cref="SalesforceAuthException"/> propagates.
/// </para>
/// </remarks>
public sealed partial class SalesforceAuthHandler : DelegatingHandler
{
    private const int MaxErrorBody = 1024 * 1024;
    private const string InvalidSession = "INVALID_SESSION_ID";

    private readonly SalesforceTokenClient _tokens;
    private readonly ILogger _logger;

    /// <summary>Creates a handler that authorizes requests with <paramref name="tokens"/>' tokens.</summary>
    public SalesforceAuthHandler(SalesforceTokenClient tokens, ILogger<SalesforceAuthHandler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// The placeholder base address of an org's API client, <c>https://salesforce-instance.invalid/</c>: the instance URL
    /// is known only once a token exists, so the handler moves such requests onto it. <c>.invalid</c> never resolves, so a
    /// request that bypasses the handler fails instead of going anywhere.
    /// </summary>
    public static Uri InstanceBaseAddress { get; } = new("https://salesforce-instance.invalid/");

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.Authorization is not null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var target = request.RequestUri;
        var token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (!Route(request, target, token))
        {
            LogForeignHost(_logger, _tokens.Settings.Name, request.RequestUri?.Host);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (request.Content is { } content and not ByteArrayContent and not ReadOnlyMemoryContent)
        {
            // A stream can be read once; the retry must send the same bytes.
            await content.LoadIntoBufferAsync().ConfigureAwait(false);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !await IsInvalidSessionAsync(response, cancellationToken).ConfigureAwait(false))
        {
            return response;
        }

        LogSessionInvalid(_logger, _tokens.Settings.Name, request.Method.Method, request.RequestUri?.AbsolutePath);
        SalesforceToken fresh;
        try
        {
            // Only this token is dropped: if another caller already renewed, its token is used without a new request.
            _tokens.Invalidate(token);
            fresh = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            response.Dispose();
        }

        // The instance may have moved with the new session; re-address relative requests onto the new one.
        if (!Route(request, target, fresh))
        {
            throw new SalesforceAuthException(
                _tokens.Settings.Name, _tokens.Settings.Flow, null, "the renewed token names a different instance than the request's host", null, isTransient: false,
                "Send requests with relative URIs so they follow the org's instance_url.");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fresh.AccessToken);
        var retried = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (retried.StatusCode == HttpStatusCode.Unauthorized)
        {
            LogRetryRejected(_logger, _tokens.Settings.Name, request.Method.Method, request.RequestUri?.AbsolutePath);
        }

        return retried;
    }

    /// <summary>Points the request at the token's instance when it is relative or uses the placeholder; false for other hosts.</summary>
    private static bool Route(HttpRequestMessage request, Uri? target, SalesforceToken token)
    {
        if (target is null || !target.IsAbsoluteUri || IsPlaceholder(target))
        {
            var relative = target is null ? string.Empty
                : target.IsAbsoluteUri ? target.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped)
                : target.OriginalString;
            var instance = token.InstanceUrl.AbsoluteUri;
            var root = new Uri(instance.EndsWith('/') ? instance : instance + "/");
            request.RequestUri = new Uri(root, relative.TrimStart('/'));
            return true;
        }

        return Uri.Compare(target, token.InstanceUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
    }

    private static bool IsPlaceholder(Uri uri) =>
        Uri.Compare(uri, InstanceBaseAddress, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Salesforce's REST answer is <c>[{"errorCode":"INVALID_SESSION_ID",…}]</c>; SOAP and Bulk answer in XML.</summary>
    /// <remarks>
    /// The body is read with the caller's token (a server that sends headers and then stalls must not outlive the
    /// caller, nor HttpClient.Timeout, which cancels that token) and at most <see cref="MaxErrorBody"/> bytes of it.
    /// The response keeps its whole body for the caller: the bytes read, then the rest of the stream.
    /// </remarks>
    private static async Task<bool> IsInvalidSessionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is > MaxErrorBody)
        {
            return false;
        }

        ResponseBody.Capped read;
        try
        {
            read = await ResponseBody.ReadAsync(response.Content, MaxErrorBody, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return false;
        }
        catch
        {
            response.Dispose();
            throw;
        }

        var original = response.Content;
        var body = read.Complete ? ResponseBody.Decode(original, read.Bytes) : null;
        response.Content = Replay(original, read);
        if (body is null)
        {
            return false;
        }

        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.StartsWith("[", StringComparison.Ordinal) || trimmed.StartsWith("{", StringComparison.Ordinal))
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                return json.RootElement.ValueKind == JsonValueKind.Array
                    ? json.RootElement.EnumerateArray().Any(HasInvalidSessionCode)
                    : HasInvalidSessionCode(json.RootElement);
            }
            catch (JsonException)
            {
                return false;
            }
        }

        return body.Contains(">" + InvalidSession + "<", StringComparison.Ordinal);
    }

    /// <summary>A content with the same headers whose body is the bytes already read followed by the unread rest.</summary>
    private static HttpContent Replay(HttpContent original, ResponseBody.Capped read)
    {
        HttpContent replay = read.Complete || read.Rest is null
            ? new ByteArrayContent(read.Bytes)
            : new StreamContent(new PrefixedStream(read.Bytes, read.Rest));
        foreach (var header in original.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                replay.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        if (read.Complete)
        {
            original.Dispose(); // read to its end: nothing of it is needed any more
        }

        return replay;
    }

    private static bool HasInvalidSessionCode(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("errorCode", out var code)
        && code.ValueKind == JsonValueKind.String
        && code.ValueEquals(InvalidSession);

    [LoggerMessage(EventId = 10, EventName = "SessionInvalid", Level = LogLevel.Information,
        Message = "Salesforce org {Org}: {Method} {Path} was answered 401 INVALID_SESSION_ID; renewing the token and retrying once")]
    private static partial void LogSessionInvalid(ILogger logger, string org, string method, string? path);

    [LoggerMessage(EventId = 11, EventName = "RetryRejected", Level = LogLevel.Warning,
        Message = "Salesforce org {Org}: {Method} {Path} was answered 401 again with a renewed token; returning that response without further retries")]
    private static partial void LogRetryRejected(ILogger logger, string org, string method, string? path);

    [LoggerMessage(EventId = 12, EventName = "ForeignHost", Level = LogLevel.Debug,
        Message = "Salesforce org {Org}: a request for {Host}, which is not the org's instance, is sent without a token")]
    private static partial void LogForeignHost(ILogger logger, string org, string? host);
}
