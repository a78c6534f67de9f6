using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Posts to <c>/services/oauth2/revoke</c> and <c>/services/oauth2/introspect</c> on the login host and maps failures
/// the way the token endpoint does. Never puts a token or the request body into an error.
/// </summary>
internal sealed class RevocationAndIntrospection
{
    private readonly Func<HttpClient> _http;
    private readonly SalesforceOrgSettings _settings;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly string _base;

    public RevocationAndIntrospection(Func<HttpClient> http, Uri loginUrl, SalesforceOrgSettings settings, TimeProvider time, TimeSpan timeout)
    {
        _http = http;
        _settings = settings;
        _time = time;
        _timeout = timeout;
        _base = loginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    public Uri RevocationAddress => new(_base + "/services/oauth2/revoke");

    public Uri IntrospectionAddress => new(_base + "/services/oauth2/introspect");

    /// <summary>Revokes <paramref name="token"/> (access or refresh); Salesforce answers 200 with an empty body.</summary>
    public async Task RevokeAsync(string token, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>> { new("token", token) };
        var (status, _, body) = await PostAsync(RevocationAddress, fields, null, cancellationToken).ConfigureAwait(false);
        if ((int)status is < 200 or >= 300)
        {
            throw Failure(status, body, "revoke");
        }
    }

    /// <summary>Asks whether <paramref name="accessToken"/> is live and until when; the client authenticates as configured.</summary>
    public async Task<SalesforceTokenIntrospection> IntrospectAsync(string accessToken, OrgSecrets secrets, CancellationToken cancellationToken)
    {
        var clientId = await secrets.RequireAsync("clientId", _settings.ClientId, cancellationToken).ConfigureAwait(false);
        var clientSecret = await secrets.OptionalAsync("clientSecret", _settings.ClientSecret, cancellationToken).ConfigureAwait(false);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("token", accessToken),
            new("token_type_hint", "access_token"),
        };
        var request = TokenRequest.Create(_settings.Flow, _settings.ClientAuthentication, fields, clientId, clientSecret);
        var (status, mediaType, body) = await PostAsync(IntrospectionAddress, request.Fields, request.Authorization, cancellationToken).ConfigureAwait(false);
        if ((int)status is < 200 or >= 300 || mediaType is "text/html")
        {
            throw Failure(status, body, "introspect");
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(status);
            }

            return new SalesforceTokenIntrospection
            {
                Active = root.TryGetProperty("active", out var active) && active.ValueKind == JsonValueKind.True,
                ExpiresAt = Seconds(root, "exp"),
                IssuedAt = Seconds(root, "iat"),
                ClientId = Text(root, "client_id"),
                Username = Text(root, "username"),
                TokenType = Text(root, "token_type"),
                Scope = Text(root, "scope"),
            };
        }
        catch (JsonException ex)
        {
            throw new SalesforceAuthException(
                _settings.Name, _settings.Flow, null, "the introspection endpoint's response is not valid JSON", status, isTransient: true, "Try again later.", ex);
        }
    }

    private async Task<(HttpStatusCode Status, string? MediaType, string Body)> PostAsync(
        Uri address, List<KeyValuePair<string, string>> fields, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        using var message = new HttpRequestMessage(HttpMethod.Post, address) { Content = new FormUrlEncodedContent(fields) };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.Authorization = authorization;
        try
        {
            using var response = await _http().SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var endpoint = address.AbsolutePath[(address.AbsolutePath.LastIndexOf('/') + 1)..];
            if (TransportSecurity.RefuseForeignAnswer(response, address, _settings.Name, _settings.Flow, endpoint) is { } foreign)
            {
                throw foreign;
            }

            var read = await ResponseBody.ReadAsync(response.Content, ResponseBody.MaxLength, linked.Token).ConfigureAwait(false);
            if (!read.Complete)
            {
                var transient = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                throw new SalesforceAuthException(
                    _settings.Name, _settings.Flow, null, $"the {endpoint} endpoint's response is larger than {ResponseBody.MaxLength / 1024} KiB and was not read", response.StatusCode, transient,
                    "Salesforce's answers here are small: a proxy or a server that is not Salesforce answered; check loginUrl.");
            }

            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, ResponseBody.Decode(response.Content, read.Bytes));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SalesforceAuthException(
                _settings.Name, _settings.Flow, null, string.Create(CultureInfo.InvariantCulture, $"the request to {address.AbsolutePath} timed out after {_timeout.TotalSeconds:0.###} s"),
                null, isTransient: true, "Salesforce or the network is slow; try again later.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SalesforceAuthException(
                _settings.Name, _settings.Flow, null, $"the request to {address.AbsolutePath} failed on the network ({ex.Message})", ex.StatusCode, isTransient: true,
                $"Check that {address.Host} is reachable (DNS, proxy, firewall); try again later.", ex);
        }
    }

    private SalesforceAuthException Failure(HttpStatusCode status, string body, string what)
    {
        var transient = (int)status >= 500 || status == HttpStatusCode.TooManyRequests;
        if (!body.AsSpan().TrimStart().StartsWith("<", StringComparison.Ordinal)
            && TokenResponseParser.TryParseError(body, out var error, out var description) && error is not null)
        {
            var hint = error switch
            {
                "invalid_token" => "The token is unknown, already revoked or expired: nothing is left to revoke.",
                "unsupported_token_type" => "Only access and refresh tokens can be revoked.",
                _ => TokenErrorHints.For(_settings.Flow, error, description),
            };
            return new SalesforceAuthException(_settings.Name, _settings.Flow, error, description, status, transient || TokenErrorHints.IsTransient(error), hint);
        }

        return new SalesforceAuthException(
            _settings.Name, _settings.Flow, null, $"the {what} endpoint answered without a JSON error", status, transient,
            transient ? "Try again later." : $"Check loginUrl: it must be the org's login host, which serves /services/oauth2/{what}.");
    }

    private SalesforceAuthException Invalid(HttpStatusCode status) =>
        new(_settings.Name, _settings.Flow, null, "the introspection endpoint's response is not a JSON object", status, isTransient: false, null);

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Seconds(JsonElement root, string name)
    {
        long seconds = 0;
        var read = root.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out seconds),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds),
            _ => false,
        };
        return read && seconds is > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }
}
