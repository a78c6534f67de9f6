using System.Globalization;
using System.Net;
using System.Text.Json;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Revokes tokens at <c>/services/oauth2/revoke</c> and asks <c>/services/oauth2/introspect</c> about them, through the
/// shared OAuth POST path. Never puts a token or the request body into an error.
/// </summary>
internal sealed class RevocationAndIntrospection
{
    private readonly OAuthEndpoints _endpoints;
    private readonly SalesforceOrgSettings _settings;

    public RevocationAndIntrospection(OAuthEndpoints endpoints, SalesforceOrgSettings settings)
    {
        _endpoints = endpoints;
        _settings = settings;
    }

    public Uri RevocationAddress => _endpoints.RevocationAddress;

    public Uri IntrospectionAddress => _endpoints.IntrospectionAddress;

    /// <summary>Revokes <paramref name="token"/> (access or refresh); Salesforce answers 200 with an empty body.</summary>
    public async Task RevokeAsync(string token, CancellationToken cancellationToken)
    {
        var request = new TokenRequest(_settings.Flow, [new("token", token)], null, null);
        var response = await _endpoints.PostAsync(OAuthOperation.Revoke, request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw _endpoints.Failure(OAuthOperation.Revoke, _settings.Flow, response);
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
        var response = await _endpoints.PostAsync(OAuthOperation.Introspect, request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess || response.IsHtml)
        {
            throw _endpoints.Failure(OAuthOperation.Introspect, _settings.Flow, response);
        }

        var status = response.Status;
        try
        {
            using var document = JsonDocument.Parse(response.Body);
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
