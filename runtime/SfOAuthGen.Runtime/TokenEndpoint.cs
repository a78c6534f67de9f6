using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Posts token requests to <c>{loginUrl}/services/oauth2/token</c> and classifies what comes back.
/// Never puts the request body or the Authorization header into an error.
/// </summary>
internal sealed class TokenEndpoint
{
    private readonly Func<HttpClient> _http;
    private readonly SalesforceOrgSettings _settings;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly TokenTelemetry _telemetry;

    // http: asked once per request, so an IHttpClientFactory-made client (and its handler rotation) is used as intended.
    public TokenEndpoint(Func<HttpClient> http, Uri loginUrl, SalesforceOrgSettings settings, TimeProvider time, TimeSpan timeout, TokenTelemetry telemetry)
    {
        _http = http;
        _settings = settings;
        _time = time;
        _timeout = timeout;
        _telemetry = telemetry;
        Address = new Uri(loginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/services/oauth2/token");
    }

    public Uri Address { get; }

    // expiresAfter: the session lifetime, added to the local receipt time. stopping: cancelled when the client is disposed.
    public async Task<SalesforceToken> SendAsync(TokenRequest request, TimeSpan expiresAfter, CancellationToken stopping)
    {
        var activity = _telemetry.StartRequest(request.Flow);
        try
        {
            var token = await SendCoreAsync(request, expiresAfter, stopping).ConfigureAwait(false);
            _telemetry.RequestEnded(activity, request.Flow, null);
            return token;
        }
        catch (Exception ex)
        {
            _telemetry.RequestEnded(activity, request.Flow, ex);
            throw;
        }
    }

    private async Task<SalesforceToken> SendCoreAsync(TokenRequest request, TimeSpan expiresAfter, CancellationToken stopping)
    {
        var org = _settings.Name;
        // One source per request: the time-out is its timer (on the client's TimeProvider) and disposal cancels it too.
        using var linked = new CancellationTokenSource(_timeout, _time);
        using var stop = stopping.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), linked);
        using var message = new HttpRequestMessage(HttpMethod.Post, Address)
        {
            Content = new FormUrlEncodedContent(request.Fields),
        };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.Authorization = request.Authorization;

        HttpStatusCode status;
        string body;
        string? mediaType;
        try
        {
            using var response = await _http().SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            status = response.StatusCode;
            if (TransportSecurity.RefuseForeignAnswer(response, Address, org, request.Flow, "token") is { } foreign)
            {
                throw foreign;
            }

            mediaType = response.Content.Headers.ContentType?.MediaType;
            var read = await ResponseBody.ReadAsync(response.Content, ResponseBody.MaxLength, linked.Token).ConfigureAwait(false);
            if (!read.Complete)
            {
                throw TooLarge(request.Flow, status);
            }

            body = ResponseBody.Decode(response.Content, read.Bytes);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(SalesforceTokenClient), "The token client was disposed while a token request was running.");
        }
        catch (OperationCanceledException ex)
        {
            // No caller's token reaches here: the request timed out (ours, or HttpClient.Timeout).
            throw new SalesforceAuthException(
                org, request.Flow, null, string.Create(CultureInfo.InvariantCulture, $"the token request timed out after {_timeout.TotalSeconds:0.###} s"), null, isTransient: true,
                "Salesforce or the network is slow; try again later or raise RequestTimeout.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SalesforceAuthException(
                org, request.Flow, null, $"the token request failed on the network ({ex.Message})", ex.StatusCode, isTransient: true,
                $"Check that {Address.Host} is reachable (DNS, proxy, firewall); try again later.", ex);
        }

        var received = _time.GetUtcNow();
        if ((int)status is >= 200 and < 300)
        {
            if (LooksLikeHtml(mediaType, body))
            {
                throw HtmlPage(request.Flow, status);
            }

            return TokenResponseParser.ParseSuccess(
                body, org, request.Flow, status, received + expiresAfter, request.ClientSecret, _settings.VerifySignature);
        }

        throw Failure(request.Flow, status, mediaType, body);
    }

    private SalesforceAuthException Failure(SalesforceFlow flow, HttpStatusCode status, string? mediaType, string body)
    {
        var serverSide = (int)status >= 500 || status == HttpStatusCode.TooManyRequests;
        if (LooksLikeHtml(mediaType, body))
        {
            return HtmlPage(flow, status);
        }

        if (!TokenResponseParser.TryParseError(body, out var error, out var description))
        {
            return new SalesforceAuthException(
                _settings.Name, flow, null, "the token endpoint answered with a body that is not JSON", status, isTransient: true,
                "Salesforce may be under maintenance or a proxy answered instead; try again later.");
        }

        if (error is null)
        {
            return new SalesforceAuthException(
                _settings.Name, flow, null, description ?? "the token endpoint refused the request without an error code", status, serverSide,
                serverSide ? "Try again later." : "Check loginUrl: it must be the org's login host.");
        }

        var transient = serverSide || TokenErrorHints.IsTransient(error);
        return new SalesforceAuthException(_settings.Name, flow, error, description, status, transient, TokenErrorHints.For(flow, error, description));
    }

    private SalesforceAuthException TooLarge(SalesforceFlow flow, HttpStatusCode status)
    {
        var serverSide = (int)status >= 500 || status == HttpStatusCode.TooManyRequests;
        return new SalesforceAuthException(
            _settings.Name, flow, null, $"the token endpoint's response is larger than {ResponseBody.MaxLength / 1024} KiB and was not read", status, serverSide,
            "Salesforce's token responses are small: a proxy or a server that is not Salesforce answered; check loginUrl.");
    }

    private SalesforceAuthException HtmlPage(SalesforceFlow flow, HttpStatusCode status) =>
        new(_settings.Name, flow, null, "the token endpoint answered with an HTML page where JSON was expected", status, isTransient: true,
            "Salesforce shows such pages during maintenance, or a proxy or captive portal answered; try again later, and check loginUrl.");

    private static bool LooksLikeHtml(string? mediaType, string body) =>
        string.Equals(mediaType, "text/html", StringComparison.OrdinalIgnoreCase)
        || body.AsSpan().TrimStart().StartsWith("<", StringComparison.Ordinal);
}
