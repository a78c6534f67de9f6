namespace SfOAuthGen.Runtime;

// The flows beyond password and refresh: JWT bearer, client credentials, the web-server flow's public API,
// and revocation and introspection. Kept apart from the caching core in SalesforceTokenClient.cs.
public sealed partial class SalesforceTokenClient
{
    private readonly RevocationAndIntrospection _oauth;

    /// <summary>The revocation endpoint: <c>{LoginUrl}/services/oauth2/revoke</c>.</summary>
    public Uri RevocationEndpoint => _oauth.RevocationAddress;

    /// <summary>The introspection endpoint: <c>{LoginUrl}/services/oauth2/introspect</c>.</summary>
    public Uri IntrospectionEndpoint => _oauth.IntrospectionAddress;

    /// <summary>
    /// Starts the web-server flow: a new PKCE verifier (S256 challenge) and <c>state</c>, and the authorize URL on
    /// <see cref="LoginUrl"/> to open in a browser. After the user logs in, Salesforce redirects to the org's
    /// <see cref="SalesforceOrgSettings.RedirectUri"/>; pass that redirect to
    /// <see cref="SalesforceAuthorizationRequest.ReadCode"/>, then the code to <see cref="ExchangeAuthorizationCodeAsync"/>.
    /// </summary>
    /// <exception cref="SalesforceConfigurationException">The org has no <c>clientId</c> or <c>redirectUri</c>.</exception>
    public ValueTask<SalesforceAuthorizationRequest> CreateAuthorizationRequestAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        return WebServerFlow.CreateAuthorizationRequestAsync(Settings, new OrgSecrets(Settings, _resolver), LoginUrl, cancellationToken);
    }

    /// <summary>
    /// Exchanges an authorization code for tokens (<c>grant_type=authorization_code</c> with <c>code_verifier</c> and the
    /// org's redirect URI; the client secret when one is configured). The access token becomes the cached one and the
    /// refresh token that comes with it is installed in the client, so later renewals use the refresh-token flow.
    /// </summary>
    /// <param name="code">The code from the redirect (<see cref="SalesforceAuthorizationRequest.ReadCode"/>).</param>
    /// <param name="codeVerifier">The request's <see cref="SalesforceAuthorizationRequest.CodeVerifier"/>.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <returns>The token; its <see cref="SalesforceToken.RefreshToken"/> is what to store for the org.</returns>
    /// <exception cref="SalesforceAuthException">Salesforce refused the code or verifier, or the request failed.</exception>
    /// <exception cref="SalesforceConfigurationException">The org has no <c>clientId</c> or <c>redirectUri</c>.</exception>
    public async Task<SalesforceToken> ExchangeAuthorizationCodeAsync(string code, string codeVerifier, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(codeVerifier);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        var secrets = new OrgSecrets(Settings, _resolver);
        var request = await WebServerFlow.CreateExchangeRequestAsync(Settings, secrets, code, codeVerifier, cancellationToken).ConfigureAwait(false);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        SalesforceToken token;
        try
        {
            token = await _endpoint.SendAsync(request, Settings.SessionLifetime, linked.Token).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            // The endpoint reads any cancellation of its token as disposal; this one was the caller's.
            throw new OperationCanceledException(cancellationToken);
        }

        // A new chain starts here: it goes to the store first, so other processes and the next start continue it.
        var next = await PersistExchangeAsync(token, cancellationToken).ConfigureAwait(false);
        lock (_chain.Gate)
        {
            Volatile.Write(ref _chain.State, next);
            _chain.LastFailure = null;
        }

        return token;
    }

    /// <summary>
    /// Revokes a token at <c>/services/oauth2/revoke</c>. Without <paramref name="token"/>, revokes the refresh token
    /// the client holds (which also ends its access tokens), else the org's configured refresh token, else the
    /// cached access token. When the revoked token is one the client holds, the client forgets its tokens and the
    /// token store's copy of the chain is deleted.
    /// </summary>
    /// <remarks>A renewal in flight finishes first, so the refresh token revoked is the current one, never one it just superseded.</remarks>
    /// <exception cref="InvalidOperationException">No token was given and the client holds none.</exception>
    /// <exception cref="SalesforceAuthException">Salesforce refused (<c>invalid_token</c>, <c>unsupported_token_type</c>), or the request failed.</exception>
    public async Task RevokeAsync(string? token = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        await WaitForFlightAsync(cancellationToken).ConfigureAwait(false);
        var state = Volatile.Read(ref _chain.State);
        var configured = token is null && state.RefreshToken is null && Settings.RefreshToken is not null;
        if (configured)
        {
            token = await new OrgSecrets(Settings, _resolver).RequireAsync("refreshToken", Settings.RefreshToken, cancellationToken).ConfigureAwait(false);
        }

        token ??= state.RefreshToken ?? state.Token?.AccessToken
            ?? throw new InvalidOperationException($"Salesforce org '{Settings.Name}': there is no token to revoke; the client holds none and no refresh token is configured.");

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await _oauth.RevokeAsync(token, linked.Token).ConfigureAwait(false);
        bool forgotten;
        lock (_chain.Gate)
        {
            var now = _chain.State;
            // Revoking a refresh token ends its access tokens, so a revoked configured one takes the cached token with it.
            forgotten = token == now.RefreshToken || token == now.Token?.AccessToken || (configured && now.RefreshToken is null);
            if (forgotten)
            {
                Volatile.Write(ref _chain.State, new TokenState(null, DateTimeOffset.MinValue, null, now.Generation));
            }
        }

        if (forgotten)
        {
            await ForgetStoredChainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Asks <c>/services/oauth2/introspect</c> about the current access token (obtaining one first if needed). When the
    /// token is active and Salesforce gives its expiry, that expiry replaces the configured session lifetime for the
    /// cached token. An inactive answer changes nothing: password-flow tokens always read as inactive.
    /// </summary>
    /// <exception cref="SalesforceAuthException">Salesforce refused (introspection not allowed for the app, wrong secret), or the request failed.</exception>
    public async Task<SalesforceTokenIntrospection> IntrospectAsync(CancellationToken cancellationToken = default)
    {
        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var result = await _oauth.IntrospectAsync(token.AccessToken, new OrgSecrets(Settings, _resolver), linked.Token).ConfigureAwait(false);
        if (result.Active && result.ExpiresAt is { } expiresAt)
        {
            lock (_chain.Gate)
            {
                var state = _chain.State;
                if (ReferenceEquals(state.Token, token))
                {
                    var updated = WithExpiry(token, expiresAt);
                    Volatile.Write(ref _chain.State, new TokenState(updated, expiresAt - _renewalMargin, state.RefreshToken, state.Generation));
                }
            }
        }

        return result;
    }

    private async Task WaitForFlightAsync(CancellationToken cancellationToken)
    {
        Task? flight;
        lock (_chain.Gate)
        {
            flight = _chain.Flight;
        }

        if (flight is not null)
        {
            // Its outcome is the flight's callers' business; here only its end matters.
            await ((Task)flight).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static SalesforceToken WithExpiry(SalesforceToken token, DateTimeOffset expiresAt) =>
        new(token.AccessToken, token.InstanceUrl, expiresAt)
        {
            IdentityUrl = token.IdentityUrl,
            TokenType = token.TokenType,
            IssuedAt = token.IssuedAt,
            Scope = token.Scope,
            RefreshToken = token.RefreshToken,
            Signature = token.Signature,
            IdToken = token.IdToken,
            CommunityUrl = token.CommunityUrl,
        };
}
