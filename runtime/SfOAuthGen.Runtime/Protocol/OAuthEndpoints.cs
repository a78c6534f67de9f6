using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace SfOAuthGen.Runtime;

/// <summary>Which of Salesforce's OAuth endpoints on the login host a request goes to.</summary>
internal enum OAuthOperation
{
    Token,
    Revoke,
    Introspect,
}

/// <summary>An OAuth endpoint's answer, read within the size cap. The text is decoded only when asked for (errors).</summary>
internal sealed class OAuthResponse(HttpStatusCode status, string? mediaType, byte[] bytes, System.Text.Encoding encoding)
{
    private string? _body;

    public HttpStatusCode Status { get; } = status;

    public string? MediaType { get; } = mediaType;

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public bool IsServerSide => (int)Status >= 500 || Status == HttpStatusCode.TooManyRequests;

    /// <summary>The body as text, in its declared charset.</summary>
    public string Body => _body ??= ResponseBody.Decode(encoding, bytes);

    /// <summary>The body as UTF-8 JSON for the parser: the bytes themselves when they are UTF-8 (Salesforce's charset).</summary>
    public ReadOnlyMemory<byte> Utf8 => encoding.CodePage == System.Text.Encoding.UTF8.CodePage
        ? bytes.AsMemory(bytes.AsSpan().StartsWith(System.Text.Encoding.UTF8.Preamble) ? 3 : 0)
        : System.Text.Encoding.UTF8.GetBytes(Body);

    /// <summary>A maintenance page, a proxy's or a captive portal's: HTML where JSON belongs.</summary>
    public bool IsHtml => string.Equals(MediaType, "text/html", StringComparison.OrdinalIgnoreCase) || StartsWithMarkup();

    private bool StartsWithMarkup()
    {
        if (encoding.CodePage != System.Text.Encoding.UTF8.CodePage)
        {
            return Body.AsSpan().TrimStart().StartsWith("<", StringComparison.Ordinal);
        }

        var text = Utf8.Span.TrimStart(" \t\r\n"u8);
        return !text.IsEmpty && text[0] == (byte)'<';
    }
}

/// <summary>
/// The one POST path to Salesforce's OAuth endpoints on the login host — token, revoke and introspect — with the same
/// time-out, redirect and foreign-host refusal, body cap, error classification and telemetry for all three.
/// Never puts the request body or the Authorization header into an error.
/// </summary>
internal sealed class OAuthEndpoints
{
    private readonly Func<HttpClient> _http;
    private readonly SalesforceOrgSettings _settings;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly TokenTelemetry _telemetry;

    // http: asked once per request, so an IHttpClientFactory-made client (and its handler rotation) is used as intended.
    private readonly HttpClient? _fixedClient; // the one HttpClient every request uses, when there is one

    public OAuthEndpoints(
        Func<HttpClient> http, HttpClient? fixedClient, Uri loginUrl, SalesforceOrgSettings settings, TimeProvider time, TimeSpan timeout, TokenTelemetry telemetry)
    {
        _fixedClient = fixedClient;
        _http = http;
        _settings = settings;
        _time = time;
        _timeout = timeout;
        _telemetry = telemetry;
        var root = loginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        TokenAddress = new Uri(root + "/services/oauth2/token");
        RevocationAddress = new Uri(root + "/services/oauth2/revoke");
        IntrospectionAddress = new Uri(root + "/services/oauth2/introspect");
    }

    public Uri TokenAddress { get; }

    public Uri RevocationAddress { get; }

    public Uri IntrospectionAddress { get; }

    public string OrgName => _settings.Name;

    /// <summary>What a non-success answer means: Salesforce's error with a hint, or a clear description of what came instead.</summary>
    public SalesforceAuthException Failure(OAuthOperation operation, SalesforceFlow flow, OAuthResponse response)
    {
        var name = Name(operation);
        if (response.IsHtml)
        {
            return new(_settings.Name, flow, null, $"the {name} endpoint answered with an HTML page where JSON was expected", response.Status, isTransient: true,
                "Salesforce shows such pages during maintenance, or a proxy or captive portal answered; try again later, and check loginUrl.");
        }

        if (!TokenResponseParser.TryParseError(response.Body, out var error, out var description))
        {
            return new(_settings.Name, flow, null, $"the {name} endpoint answered with a body that is not JSON", response.Status, isTransient: true,
                "Salesforce may be under maintenance or a proxy answered instead; try again later.");
        }

        if (error is null)
        {
            return new(_settings.Name, flow, null, description ?? $"the {name} endpoint refused the request without an error code", response.Status, response.IsServerSide,
                response.IsServerSide ? "Try again later." : $"Check loginUrl: it must be the org's login host, which serves /services/oauth2/{name}.");
        }

        var hint = (operation, error) switch
        {
            (not OAuthOperation.Token, "invalid_token") => "The token is unknown, already revoked or expired: nothing is left to revoke.",
            (not OAuthOperation.Token, "unsupported_token_type") => "Only access and refresh tokens can be revoked.",
            _ => TokenErrorHints.For(flow, error, description),
        };
        return new(_settings.Name, flow, error, description, response.Status, response.IsServerSide || TokenErrorHints.IsTransient(error), hint);
    }

    /// <summary>Posts the form and reads the answer; failures to get one become <see cref="SalesforceAuthException"/>s.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<OAuthResponse> PostAsync(OAuthOperation operation, TokenRequest request, CancellationToken cancellationToken)
    {
        // One method, not a wrapper for telemetry around a core: each async layer costs an allocation per request.
        var activity = _telemetry.StartRequest(request.Flow, operation);
        var address = Address(operation);
        var name = Name(operation);
        // One source per request: the time-out is its timer (on the client's TimeProvider), the caller's token cancels it too.
        // When the HttpClient's own Timeout is as short, that timer already bounds the request: no second one.
        var timeout = EffectiveTimeout(out var ownTimer);
        using var source = ownTimer ? new CancellationTokenSource(_timeout, _time) : null;
        using var link = source is null ? default : cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source);
        var token = source?.Token ?? cancellationToken;
        using var message = new HttpRequestMessage(HttpMethod.Post, address) { Content = new FormUrlEncodedContent(request.Fields) };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.Authorization = request.Authorization;
        try
        {
            using var response = await _http().SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (TransportSecurity.RefuseForeignAnswer(response, address, _settings.Name, request.Flow, name) is { } foreign)
            {
                throw foreign;
            }

            var read = await ResponseBody.ReadAsync(response.Content, ResponseBody.MaxLength, token).ConfigureAwait(false);
            if (!read.Complete)
            {
                var serverSide = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                throw new SalesforceAuthException(
                    _settings.Name, request.Flow, null, $"the {name} endpoint's response is larger than {ResponseBody.MaxLength / 1024} KiB and was not read", response.StatusCode, serverSide,
                    "Salesforce's OAuth answers are small: a proxy or a server that is not Salesforce answered; check loginUrl.");
            }

            var (mediaType, encoding) = ResponseBody.ContentTypeOf(response.Content);
            var answer = new OAuthResponse(response.StatusCode, mediaType, read.Bytes, encoding);
            _telemetry.RequestEnded(activity, request.Flow, operation, answer.IsSuccess ? null : Failure(operation, request.Flow, answer));
            return answer;
        }
        catch (Exception ex)
        {
            var failure = Classify(ex, request.Flow, name, address, timeout, cancellationToken);
            _telemetry.RequestEnded(activity, request.Flow, operation, failure);
            if (ReferenceEquals(failure, ex))
            {
                throw;
            }

            throw failure;
        }
    }

    /// <summary>What went wrong getting an answer at all: the caller's cancellation, a time-out, the network.</summary>
    private Exception Classify(Exception ex, SalesforceFlow flow, string name, Uri address, TimeSpan timeout, CancellationToken cancellationToken) => ex switch
    {
        SalesforceAuthException => ex,
        OperationCanceledException when cancellationToken.IsCancellationRequested => new OperationCanceledException(cancellationToken),

        // No caller's token reaches here: the request timed out (ours, or HttpClient.Timeout).
        OperationCanceledException => new SalesforceAuthException(
            _settings.Name, flow, null, string.Create(CultureInfo.InvariantCulture, $"the {name} request timed out after {timeout.TotalSeconds:0.###} s"), null, isTransient: true,
            "Salesforce or the network is slow; try again later or raise RequestTimeout.", ex),
        HttpRequestException network => new SalesforceAuthException(
            _settings.Name, flow, null, $"the {name} request failed on the network ({network.Message})", network.StatusCode, isTransient: true,
            $"Check that {address.Host} is reachable (DNS, proxy, firewall); try again later.", ex),
        _ => ex,
    };

    /// <summary>The time-out that bounds a request, and whether it needs a timer of ours (on the client's clock).</summary>
    private TimeSpan EffectiveTimeout(out bool ownTimer)
    {
        var clientTimeout = _fixedClient?.Timeout ?? Timeout.InfiniteTimeSpan;
        ownTimer = _timeout != Timeout.InfiniteTimeSpan && (clientTimeout == Timeout.InfiniteTimeSpan || clientTimeout > _timeout || _time != TimeProvider.System);
        return ownTimer || clientTimeout == Timeout.InfiniteTimeSpan ? _timeout : clientTimeout;
    }

    private Uri Address(OAuthOperation operation) => operation switch
    {
        OAuthOperation.Revoke => RevocationAddress,
        OAuthOperation.Introspect => IntrospectionAddress,
        _ => TokenAddress,
    };

    internal static string Name(OAuthOperation operation) => operation switch
    {
        OAuthOperation.Revoke => "revoke",
        OAuthOperation.Introspect => "introspect",
        _ => "token",
    };
}
