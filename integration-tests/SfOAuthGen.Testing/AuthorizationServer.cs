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

        await WriteAsync(context, answer).ConfigureAwait(false);
        return true;
    }

    private static async Task WriteAsync(HttpContext context, Answer answer)
    {
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
