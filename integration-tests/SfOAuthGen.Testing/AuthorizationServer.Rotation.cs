using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

// Salesforce's refresh-token behaviour: rotation (a refresh returns a new refresh token and supersedes the one sent),
// a reuse of a superseded token revoking the whole chain (Help 005316711), and a second refresh with a token still
// being processed answered 400 "token request is already being processed" (release notes 250, 252). Plus a data API
// that answers 401 INVALID_SESSION_ID once a session has ended, so tests can force expiries.
public sealed partial class AuthorizationServer
{
    internal const string DataPathPrefix = "/services/data/";

    private readonly object _rotationGate = new();
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private TaskCompletionSource? _refreshHold;
    private int _reuseViolations;
    private int _refreshes;
    private int _concurrentRefreshes;
    private int _pendingRefreshes;

    /// <summary>Times a superseded refresh token was sent again (each revoked its whole chain). A correct client keeps this at 0.</summary>
    public int ReuseViolations => Volatile.Read(ref _reuseViolations);

    /// <summary>Refresh-token grants answered successfully.</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Refreshes refused because the same refresh token was still being processed.</summary>
    public int ConcurrentRefreshes => Volatile.Read(ref _concurrentRefreshes);

    /// <summary>Refresh requests waiting behind <see cref="HoldRefreshes"/>.</summary>
    public int PendingRefreshes => Volatile.Read(ref _pendingRefreshes);

    /// <summary>
    /// Mints a refresh token for <paramref name="subject"/> (the configured <see cref="AuthorizationServerOptions.Username"/>
    /// by default) as if the user had logged in through the web-server flow: the start of a chain a test configures.
    /// </summary>
    public string IssueRefreshToken(string? subject = null) => Issue(refreshToken: true, subject ?? _options.Username, parent: null);

    /// <summary>The chain's current refresh token: the last one issued in the family of <paramref name="refreshToken"/>.</summary>
    public string CurrentRefreshToken(string refreshToken)
    {
        lock (_rotationGate)
        {
            var current = refreshToken;
            while (_tokens.TryGetValue(current, out var issued) && issued.SupersededBy is { } next)
            {
                current = next;
            }

            return current;
        }
    }

    /// <summary>Ends every session issued so far: the data API answers their access tokens with 401 <c>INVALID_SESSION_ID</c>.</summary>
    public void ExpireSessions()
    {
        foreach (var issued in _tokens.Values.Where(t => !t.IsRefreshToken))
        {
            issued.Expired = true;
        }
    }

    /// <summary>
    /// Makes refresh requests wait until the returned hold is disposed. A request whose client goes away while it waits
    /// (a killed process) is never processed: its refresh token stays current.
    /// </summary>
    public IDisposable HoldRefreshes()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _refreshHold, hold);
        return new Release(() =>
        {
            Interlocked.CompareExchange(ref _refreshHold, null, hold);
            hold.TrySetResult();
        });
    }

    private bool IsKnownRefresh(ObservedRequest request, out string refreshToken)
    {
        refreshToken = string.Empty;
        if (request.Path != RequestPattern.TokenPath || !HttpMethods.IsPost(request.Method)
            || Field(request.Form, "grant_type") != "refresh_token" || Field(request.Form, "refresh_token") is not { } refresh
            || !_tokens.ContainsKey(refresh))
        {
            return false; // the cassette's business
        }

        refreshToken = refresh;
        return true;
    }

    private async Task<Answer?> RefreshAsync(Dictionary<string, string> form, string refresh, Uri baseUri, CancellationToken aborted)
    {
        if (ClientProblem(form, requireSecret: false) is { } problem)
        {
            return problem;
        }

        var issued = _tokens[refresh];
        if (StartProcessing(issued, refresh) is { } refused)
        {
            return refused;
        }

        try
        {
            if (!await WaitForHoldAsync(aborted).ConfigureAwait(false))
            {
                return null; // the client is gone before anything was processed
            }

            return Rotate(form, baseUri, issued, refresh);
        }
        finally
        {
            lock (_rotationGate)
            {
                _processing.Remove(refresh);
            }
        }
    }

    /// <summary>
    /// Refuses a revoked, reused or already-processing refresh token, else marks it as processing; one lock, so two
    /// concurrent requests with the same token cannot both pass.
    /// </summary>
    private Answer? StartProcessing(IssuedToken issued, string refresh)
    {
        lock (_rotationGate)
        {
            if (!issued.IsRefreshToken || issued.Revoked)
            {
                return Reject(400, "invalid_grant", "expired access/refresh token", "token: refresh token revoked or not a refresh token");
            }

            if (issued.SupersededBy is not null)
            {
                Interlocked.Increment(ref _reuseViolations);
                RevokeFamily(issued.Family!);
                return Reject(400, "invalid_grant", "expired access/refresh token", "token: superseded refresh token reused; the chain is revoked");
            }

            if (!_processing.Add(refresh))
            {
                Interlocked.Increment(ref _concurrentRefreshes);
                return Reject(400, "invalid_grant", "token request is already being processed", "token: concurrent refresh with the same token");
            }

            return null;
        }
    }

    /// <summary>Issues the new access token (and, when rotating, the refresh token that supersedes the one sent).</summary>
    private Answer Rotate(Dictionary<string, string> form, Uri baseUri, IssuedToken issued, string refresh)
    {
        lock (_rotationGate)
        {
            // A reuse elsewhere may have revoked the chain, or a rotation superseded the token, while this request was held.
            if (issued.Revoked || issued.SupersededBy is not null)
            {
                return Reject(400, "invalid_grant", "expired access/refresh token", "token: refresh token revoked while the request waited");
            }

            var access = Issue(refreshToken: false, issued.Subject, parent: refresh);
            string? rotated = null;
            if (_options.RotateRefreshTokens)
            {
                rotated = Issue(refreshToken: true, issued.Subject, parent: refresh);
                issued.SupersededBy = rotated;
            }

            Interlocked.Increment(ref _refreshes);
            _grants.Enqueue(new ServedGrant("refresh_token", issued.Subject, refresh, access, rotated));
            return Success(form, baseUri, access, rotated, _options.Scope);
        }
    }

    private async Task<bool> WaitForHoldAsync(CancellationToken aborted)
    {
        if (Volatile.Read(ref _refreshHold) is not { } hold)
        {
            return true;
        }

        Interlocked.Increment(ref _pendingRefreshes);
        try
        {
            await hold.Task.WaitAsync(aborted).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _pendingRefreshes);
        }
    }

    /// <summary>Salesforce's answer to a reused refresh token: the current refresh token and all its access tokens end.</summary>
    private void RevokeFamily(string family)
    {
        foreach (var token in _tokens.Values.Where(t => t.Family == family))
        {
            token.Revoked = true;
        }
    }

    private bool IsLive(IssuedToken accessToken) =>
        !accessToken.Revoked && !accessToken.Expired && _time.GetUtcNow() < accessToken.IssuedAt + _options.SessionLifetime;

    /// <summary>A data-API call with a bearer token this server issued: 200 while its session lives, else 401 INVALID_SESSION_ID.</summary>
    private Answer? DataApi(ObservedRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!_options.ServeDataApi || !header.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(header["Bearer ".Length..], out var issued) || issued.IsRefreshToken)
        {
            return null; // not one of ours: the cassette's business
        }

        if (!IsLive(issued))
        {
            return new Answer(401, null, null)
            {
                Array = JsonSerializer.SerializeToElement(new[] { new Dictionary<string, string> { ["errorCode"] = "INVALID_SESSION_ID", ["message"] = "Session expired or invalid" } }),
            };
        }

        return new Answer(200, new Dictionary<string, object?> { ["user"] = issued.Subject }, null);
    }

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
