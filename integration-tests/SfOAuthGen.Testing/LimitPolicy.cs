using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

/// <summary>The state behind <see cref="SalesforceLimits"/>: logins per user, and when each issued token was last used.</summary>
/// <param name="limits">What to enforce.</param>
/// <param name="time">The clock.</param>
/// <param name="authorizeUser">The user the built-in authorize endpoint logs in: whom an authorization code belongs to.</param>
internal sealed class LimitPolicy(SalesforceLimits limits, TimeProvider time, string? authorizeUser)
{
    internal const string LoginRateExceeded = "LOGIN_RATE_EXCEEDED";

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly HashSet<string> LoginGrants = new(StringComparer.Ordinal)
    {
        "password", "client_credentials", "authorization_code", AuthorizationServer.JwtBearerGrant,
    };

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> logins = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> sessions = new(StringComparer.Ordinal);

    /// <summary>Salesforce's refusal of <paramref name="request"/>, or <see langword="null"/> to let it through.</summary>
    public Refusal? Check(ObservedRequest request)
    {
        var now = time.GetUtcNow();
        if (IsTokenRequest(request))
        {
            var grant = request.Form.GetValueOrDefault("grant_type");
            if (limits.LoginsPerHour is { } perHour && grant is not null && LoginGrants.Contains(grant))
            {
                var recent = logins.GetOrAdd(User(request), _ => new Queue<DateTimeOffset>());
                lock (recent)
                {
                    Prune(recent, now);
                    if (recent.Count >= perHour)
                    {
                        return new Refusal(400, """{"error":"rate_limit_exceeded","error_description":"LOGIN_RATE_EXCEEDED"}""", "login rate exceeded");
                    }
                }
            }

            if (limits.RefreshTokenIdleTimeout is { } idle && grant == "refresh_token"
                && request.Form.GetValueOrDefault("refresh_token") is { } refresh && refreshTokens.TryGetValue(refresh, out var lastUsed))
            {
                if (now - lastUsed >= idle)
                {
                    // It stays expired (its clock is not restarted), until a response issues the same value again.
                    return new Refusal(400, """{"error":"invalid_grant","error_description":"expired access/refresh token"}""", "refresh token idle-expired");
                }

                refreshTokens[refresh] = now;
            }

            return null;
        }

        if (limits.SessionTimeout is { } timeout && !request.Path.StartsWith("/services/oauth2/", StringComparison.Ordinal)
            && Bearer(request) is { } access && sessions.TryGetValue(access, out var active))
        {
            if (now - active >= timeout)
            {
                return new Refusal(401, Fault.InvalidSessionJson, "session timed out");
            }

            sessions[access] = now;
        }

        return null;
    }

    /// <summary>Whether the answer to <paramref name="request"/> must be seen by <see cref="Observe"/> (a token response).</summary>
    public static bool IsTokenRequest(ObservedRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path == RequestPattern.TokenPath;

    /// <summary>Counts a successful login and starts the clocks of the tokens a token response issued.</summary>
    public void Observe(ObservedRequest request, int status, ReadOnlySpan<byte> body)
    {
        if (status != StatusCodes.Status200OK)
        {
            return;
        }

        var now = time.GetUtcNow();
        var grant = request.Form.GetValueOrDefault("grant_type");
        if (limits.LoginsPerHour is not null && grant is not null && LoginGrants.Contains(grant))
        {
            var recent = logins.GetOrAdd(User(request), _ => new Queue<DateTimeOffset>());
            lock (recent)
            {
                recent.Enqueue(now);
            }
        }

        try
        {
            using var json = JsonDocument.Parse(body.ToArray());
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (limits.SessionTimeout is not null && Text(json.RootElement, "access_token") is { } access)
            {
                sessions[access] = now;
            }

            if (limits.RefreshTokenIdleTimeout is not null && Text(json.RootElement, "refresh_token") is { } refresh)
            {
                refreshTokens[refresh] = now;
            }
        }
        catch (JsonException)
        {
            // Not a JSON token response (a fault, a maintenance page): nothing was issued.
        }
    }

    private static void Prune(Queue<DateTimeOffset> recent, DateTimeOffset now)
    {
        while (recent.Count > 0 && now - recent.Peek() >= Hour)
        {
            recent.Dequeue();
        }
    }

    private string User(ObservedRequest request)
    {
        if (request.Form.GetValueOrDefault("grant_type") == "authorization_code" && authorizeUser is not null)
        {
            return "user:" + authorizeUser;
        }

        if (request.Form.GetValueOrDefault("username") is { Length: > 0 } username)
        {
            return "user:" + username;
        }

        if (request.Form.GetValueOrDefault("assertion") is { } assertion && JwtSubject(assertion) is { } subject)
        {
            return "user:" + subject;
        }

        return "client:" + request.Form.GetValueOrDefault("client_id");
    }

    private static string? JwtSubject(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var base64 = parts[1].Replace('-', '+').Replace('_', '/');
            using var claims = JsonDocument.Parse(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
            return claims.RootElement.ValueKind == JsonValueKind.Object ? Text(claims.RootElement, "sub") : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string? Bearer(ObservedRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Salesforce's answer when a limit is hit: status, JSON body and the reason for the log.</summary>
    internal sealed record Refusal(int Status, string Json, string Reason)
    {
        public byte[] Body => Encoding.UTF8.GetBytes(Json);
    }
}
