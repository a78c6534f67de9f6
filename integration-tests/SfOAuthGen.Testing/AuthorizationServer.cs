using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

/// <summary>A grant the built-in authorization behaviour answered successfully.</summary>
/// <param name="GrantType">The <c>grant_type</c> (<c>authorization_code</c>, <c>refresh_token</c>, or the JWT bearer URN).</param>
/// <param name="Subject">The user the token was issued for.</param>
/// <param name="RefreshTokenSent">The refresh token the request carried (refresh grant), else <see langword="null"/>.</param>
/// <param name="AccessToken">The access token issued.</param>
/// <param name="RefreshTokenIssued">The refresh token issued (authorization-code grant), else <see langword="null"/>.</param>
public sealed record ServedGrant(string GrantType, string Subject, string? RefreshTokenSent, string AccessToken, string? RefreshTokenIssued);

/// <summary>
/// The server's built-in OAuth behaviours (see <see cref="AuthorizationServerOptions"/>): what Salesforce's authorize,
/// token, revoke and introspect endpoints do for the web-server (PKCE), JWT bearer and refresh flows, with Salesforce's
/// error answers. Exposed as <see cref="RecordedResponseServer.Authorization"/> so tests can see what was issued.
/// </summary>
public sealed partial class AuthorizationServer
{
    internal const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>How far ahead a JWT's <c>exp</c> may be; Salesforce asks for at most three minutes, plus clock skew.</summary>
    public static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromMinutes(5);

    private readonly AuthorizationServerOptions _options;
    private readonly TimeProvider _time;
    private readonly RSA? _jwtKey;
    private readonly ConcurrentDictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ServedGrant> _grants = new();
    private readonly ConcurrentQueue<string> _rejections = new();

    internal AuthorizationServer(AuthorizationServerOptions options, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.ClientId);
        _options = options;
        _time = time;
        if (options.JwtPublicKeyPem is { } pem)
        {
            _jwtKey = RSA.Create();
            _jwtKey.ImportFromPem(pem);
        }
    }

    /// <summary>Grants answered successfully, in order.</summary>
    public IReadOnlyList<ServedGrant> Grants => _grants.ToArray();

    /// <summary>Why requests were refused (for example <c>assertion expired</c>), in order; never a secret value.</summary>
    public IReadOnlyList<string> Rejections => _rejections.ToArray();

    /// <summary>Whether <paramref name="token"/> (access or refresh) was issued here and then revoked.</summary>
    public bool IsRevoked(string token) => _tokens.TryGetValue(token, out var issued) && issued.Revoked;

    /// <summary>Answers the request if it is one of the built-in behaviours; otherwise returns <see langword="false"/> and writes nothing.</summary>
    internal async Task<bool> TryHandleAsync(HttpContext context, ObservedRequest request, Uri baseUri)
    {
        if (await TryServeLoginFormAsync(context, request).ConfigureAwait(false))
        {
            return true;
        }

        var answer = IsKnownRefresh(request, out var refreshToken)
            ? await RefreshAsync(request.Form, refreshToken, baseUri, context.RequestAborted).ConfigureAwait(false)
            : request.Path switch
        {
            "/services/oauth2/authorize" when HttpMethods.IsGet(request.Method) => Authorize(request),
            RequestPattern.TokenPath when HttpMethods.IsPost(request.Method) => Token(request, baseUri),
            "/services/oauth2/revoke" when HttpMethods.IsPost(request.Method) => Revoke(request),
            "/services/oauth2/introspect" when HttpMethods.IsPost(request.Method) => Introspect(request),
            _ when request.Path.StartsWith(DataPathPrefix, StringComparison.Ordinal) => DataApi(request),
            _ => null,
        };
        if (answer is null)
        {
            return false;
        }

        var response = context.Response;
        response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            response.Headers.Location = answer.Location;
        }

        if (answer.Json is not null || answer.Array is not null)
        {
            var body = answer.Array is { } array ? JsonSerializer.SerializeToUtf8Bytes(array) : JsonSerializer.SerializeToUtf8Bytes(answer.Json);
            response.ContentType = "application/json;charset=UTF-8";
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            response.ContentLength = 0;
        }

        return true;
    }

    private Answer Authorize(ObservedRequest request)
    {
        var query = request.Query;
        if (Field(query, "client_id") != _options.ClientId)
        {
            return Reject(400, "invalid_client_id", "client identifier invalid", "authorize: unknown client_id");
        }

        if (!Uri.TryCreate(Field(query, "redirect_uri"), UriKind.Absolute, out var redirect))
        {
            return Reject(400, "redirect_uri_mismatch", "redirect_uri must match configuration", "authorize: redirect_uri missing or not absolute");
        }

        var state = Field(query, "state");
        if (Field(query, "response_type") != "code")
        {
            return RedirectError(redirect, state, "unsupported_response_type", "response type not supported", "authorize: response_type is not code");
        }

        var challenge = Field(query, "code_challenge");
        if (string.IsNullOrEmpty(challenge) || Field(query, "code_challenge_method") != "S256")
        {
            return RedirectError(redirect, state, "invalid_request", "missing required code challenge", "authorize: PKCE S256 challenge missing");
        }

        var code = "aPrx" + RandomText(32);
        _codes[code] = new PendingCode(challenge, redirect.AbsoluteUri, _time.GetUtcNow() + _options.CodeLifetime);
        var location = new StringBuilder(redirect.AbsoluteUri).Append(redirect.Query.Length > 0 ? '&' : '?')
            .Append("code=").Append(Uri.EscapeDataString(code));
        if (state is not null)
        {
            location.Append("&state=").Append(Uri.EscapeDataString(state));
        }

        return new Answer(302, null, location.ToString());
    }

    private Answer? Token(ObservedRequest request, Uri baseUri)
    {
        var form = request.Form;
        switch (Field(form, "grant_type"))
        {
            case "authorization_code":
                return ExchangeCode(form, baseUri);
            case JwtBearerGrant when _jwtKey is not null:
                return JwtBearer(form, baseUri);
            default:
                return null; // the cassette's business
        }
    }

    private Answer ExchangeCode(Dictionary<string, string> form, Uri baseUri)
    {
        if (ClientProblem(form, requireSecret: false) is { } problem)
        {
            return problem;
        }

        // Codes are single-use: any attempt consumes it, as a failed exchange must not be retried with another verifier.
        if (!_codes.TryRemove(Field(form, "code") ?? string.Empty, out var pending))
        {
            return Reject(400, "invalid_grant", "invalid authorization code", "token: unknown or already used code");
        }

        if (_time.GetUtcNow() >= pending.ExpiresAt)
        {
            return Reject(400, "invalid_grant", "expired authorization code", "token: code expired");
        }

        if (Field(form, "redirect_uri") != pending.RedirectUri)
        {
            return Reject(400, "redirect_uri_mismatch", "redirect_uri must match configuration", "token: redirect_uri differs from the authorize request");
        }

        var verifier = Field(form, "code_verifier");
        if (string.IsNullOrEmpty(verifier) || !FixedEquals(S256(verifier), pending.Challenge))
        {
            return Reject(400, "invalid_grant", "invalid code verifier", "token: code_verifier does not match the code_challenge");
        }

        var refresh = Issue(refreshToken: true, _options.Username, parent: null);
        var access = Issue(refreshToken: false, _options.Username, parent: refresh);
        _grants.Enqueue(new ServedGrant("authorization_code", _options.Username, null, access, refresh));
        return Success(form, baseUri, access, refresh, _options.Scope);
    }

    private Answer JwtBearer(Dictionary<string, string> form, Uri baseUri)
    {
        var parts = (Field(form, "assertion") ?? string.Empty).Split('.');
        JsonElement header, claims;
        try
        {
            if (parts.Length != 3)
            {
                return Reject(400, "invalid_grant", "invalid assertion", "jwt: not three dot-separated parts");
            }

            header = ParseJson(parts[0]);
            claims = ParseJson(parts[1]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return Reject(400, "invalid_grant", "invalid assertion", "jwt: header or claims are not Base64url JSON");
        }

        if (header.ValueKind != JsonValueKind.Object || claims.ValueKind != JsonValueKind.Object || Text(header, "alg") != "RS256")
        {
            return Reject(400, "invalid_grant", "invalid assertion", "jwt: header alg is not RS256");
        }

        byte[] signature;
        try
        {
            signature = FromBase64Url(parts[2]);
        }
        catch (FormatException)
        {
            return Reject(400, "invalid_grant", "invalid assertion", "jwt: signature is not Base64url");
        }

        if (!_jwtKey!.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return Reject(400, "invalid_grant", "invalid assertion", "jwt: signature does not verify with the test public key");
        }

        if (Text(claims, "iss") != _options.ClientId)
        {
            return Reject(400, "invalid_client_id", "client identifier invalid", "jwt: iss is not the client id");
        }

        if (Text(claims, "aud") is not { } audience || !_options.JwtAudiences.Contains(audience, StringComparer.Ordinal))
        {
            return Reject(400, "invalid_grant", "Audience validation failed", "jwt: aud is not an accepted audience");
        }

        if (!claims.TryGetProperty("exp", out var expElement) || !expElement.TryGetInt64(out var exp))
        {
            return Reject(400, "invalid_grant", "invalid assertion", "jwt: exp missing or not a number");
        }

        var now = _time.GetUtcNow();
        if (exp <= now.ToUnixTimeSeconds())
        {
            return Reject(400, "invalid_grant", "invalid assertion", "jwt: assertion expired");
        }

        if (exp > (now + MaxAssertionLifetime).ToUnixTimeSeconds())
        {
            return Reject(400, "invalid_grant", "invalid assertion", "jwt: exp is more than 5 minutes ahead");
        }

        if (Text(claims, "sub") is not { Length: > 0 } subject)
        {
            return Reject(400, "invalid_grant", "invalid assertion", "jwt: sub missing");
        }

        if (_options.ApprovedUsers is { } approved && !approved.Contains(subject, StringComparer.Ordinal))
        {
            return Reject(400, "invalid_grant", "user hasn't approved this consumer", "jwt: user not pre-authorised");
        }

        var access = Issue(refreshToken: false, subject, parent: null);
        _grants.Enqueue(new ServedGrant(JwtBearerGrant, subject, null, access, null));
        return Success(form, baseUri, access, null, _options.Scope);
    }

    private Answer Revoke(ObservedRequest request)
    {
        var token = Field(request.Form, "token") ?? Field(request.Query, "token");
        if (string.IsNullOrEmpty(token))
        {
            return Reject(400, "unsupported_token_type", "this token type is not supported", "revoke: no token");
        }

        if (!_tokens.TryGetValue(token, out var issued) || issued.Revoked)
        {
            return Reject(400, "invalid_token", "invalid token", "revoke: unknown or already revoked token");
        }

        issued.Revoked = true;
        if (issued.IsRefreshToken)
        {
            // Revoking a refresh token ends every access token issued from it.
            foreach (var child in _tokens.Values.Where(t => t.Parent == token))
            {
                child.Revoked = true;
            }
        }

        return new Answer(200, null, null);
    }

    private Answer Introspect(ObservedRequest request)
    {
        var form = request.Form;
        if (ClientProblem(form, requireSecret: _options.ClientSecret is not null) is { } problem)
        {
            return problem;
        }

        var token = Field(form, "token") ?? string.Empty;
        if (!_tokens.TryGetValue(token, out var issued) || issued.Revoked || (!issued.IsRefreshToken && !IsLive(issued)))
        {
            return new Answer(200, new Dictionary<string, object?> { ["active"] = false }, null);
        }

        var json = new Dictionary<string, object?>
        {
            ["active"] = true,
            ["scope"] = _options.Scope,
            ["client_id"] = _options.ClientId,
            ["username"] = issued.Subject,
            ["sub"] = issued.Subject,
            ["token_type"] = issued.IsRefreshToken ? "refresh_token" : "access_token",
            ["iat"] = issued.IssuedAt.ToUnixTimeSeconds(),
            ["nbf"] = issued.IssuedAt.ToUnixTimeSeconds(),
        };
        if (!issued.IsRefreshToken)
        {
            json["exp"] = (issued.IssuedAt + _options.SessionLifetime).ToUnixTimeSeconds();
        }

        return new Answer(200, json, null);
    }

    /// <summary>Salesforce's answers to a wrong client id or secret; a missing secret only where one is required.</summary>
    private Answer? ClientProblem(Dictionary<string, string> form, bool requireSecret)
    {
        if (Field(form, "client_id") != _options.ClientId)
        {
            return Reject(400, "invalid_client_id", "client identifier invalid", "client_id is not the configured one");
        }

        var secret = Field(form, "client_secret");
        if ((secret is not null || requireSecret) && (_options.ClientSecret is null || secret is null || !FixedEquals(secret, _options.ClientSecret)))
        {
            return Reject(400, "invalid_client", "invalid client credentials", "client_secret is wrong or missing");
        }

        return null;
    }

    private Answer Success(Dictionary<string, string> form, Uri baseUri, string access, string? refresh, string scope)
    {
        var origin = baseUri.GetLeftPart(UriPartial.Authority);
        var id = origin + "/id/00DFAKE00000001AAA/005FAKE00000001AAA";
        var issuedAt = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var json = new Dictionary<string, object?>
        {
            ["access_token"] = access,
            ["instance_url"] = origin,
            ["id"] = id,
            ["token_type"] = "Bearer",
            ["issued_at"] = issuedAt,
            ["scope"] = scope,
        };
        if (refresh is not null)
        {
            json["refresh_token"] = refresh;
        }

        // Salesforce signs with the consumer secret; a public app's response carries a signature the client cannot check.
        var key = Field(form, "client_secret") ?? _options.ClientSecret;
        if (key is not null)
        {
            json["signature"] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(id + issuedAt)));
        }

        return new Answer(200, json, null);
    }

    private string Issue(bool refreshToken, string subject, string? parent)
    {
        var token = refreshToken ? "5Aep861" + RandomText(80) : "00DFAKE00000001!AQ" + RandomText(64);
        // A chain's family is its first refresh token: rotation keeps it, so a reuse can revoke the whole chain.
        var family = parent is not null && _tokens.TryGetValue(parent, out var issuer) ? issuer.Family : refreshToken ? token : null;
        _tokens[token] = new IssuedToken(refreshToken, subject, parent, _time.GetUtcNow()) { Family = family };
        return token;
    }

    private Answer Reject(int status, string error, string description, string reason)
    {
        _rejections.Enqueue(reason);
        return new Answer(status, new Dictionary<string, object?> { ["error"] = error, ["error_description"] = description }, null);
    }

    private Answer RedirectError(Uri redirect, string? state, string error, string description, string reason)
    {
        _rejections.Enqueue(reason);
        var location = $"{redirect.AbsoluteUri}{(redirect.Query.Length > 0 ? '&' : '?')}error={Uri.EscapeDataString(error)}&error_description={Uri.EscapeDataString(description)}";
        return new Answer(302, null, state is null ? location : location + "&state=" + Uri.EscapeDataString(state));
    }

    private static string? Field(Dictionary<string, string> fields, string name) => fields.TryGetValue(name, out var value) ? value : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement ParseJson(string base64Url)
    {
        using var document = JsonDocument.Parse(FromBase64Url(base64Url));
        return document.RootElement.Clone();
    }

    internal static string S256(string verifier) => ToBase64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }

    private static string RandomText(int length)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(Alphabet, length);
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private sealed record Answer(int Status, Dictionary<string, object?>? Json, string? Location)
    {
        /// <summary>A JSON array body (Salesforce's data-API errors), instead of <see cref="Json"/>.</summary>
        public JsonElement? Array { get; init; }
    }

    private sealed record PendingCode(string Challenge, string RedirectUri, DateTimeOffset ExpiresAt);

    private sealed class IssuedToken(bool isRefreshToken, string subject, string? parent, DateTimeOffset issuedAt)
    {
        public bool IsRefreshToken { get; } = isRefreshToken;

        public string Subject { get; } = subject;

        public string? Parent { get; } = parent;

        public DateTimeOffset IssuedAt { get; } = issuedAt;

        /// <summary>The first refresh token of the chain this token belongs to.</summary>
        public string? Family { get; init; }

        /// <summary>The refresh token that replaced this one when it was rotated: sending this one again is a reuse.</summary>
        public string? SupersededBy { get; set; }

        public volatile bool Revoked;

        /// <summary>An access token whose session ended (<see cref="ExpireSessions"/> or the session lifetime).</summary>
        public volatile bool Expired;
    }
}
