namespace SfOAuthGen.Runtime;

/// <summary>Sends token requests through the shared OAuth POST path and turns a success into a <see cref="SalesforceToken"/>.</summary>
internal sealed class TokenEndpoint
{
    private readonly OAuthEndpoints _endpoints;
    private readonly TimeProvider _time;
    private readonly SignatureVerifier? _signatures; // null when the org turned the check off

    public TokenEndpoint(OAuthEndpoints endpoints, TimeProvider time, bool verifySignature)
    {
        _endpoints = endpoints;
        _time = time;
        _signatures = verifySignature ? new SignatureVerifier() : null;
    }

    public Uri Address => _endpoints.TokenAddress;

    // expiresAfter: the session lifetime, added to the local receipt time. stopping: cancelled when the client is disposed.
    public async Task<SalesforceToken> SendAsync(TokenRequest request, TimeSpan expiresAfter, CancellationToken stopping)
    {
        OAuthResponse response;
        try
        {
            response = await _endpoints.PostAsync(OAuthOperation.Token, request, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(SalesforceTokenClient), "The token client was disposed while a token request was running.");
        }

        if (!response.IsSuccess || response.IsHtml)
        {
            throw _endpoints.Failure(OAuthOperation.Token, request.Flow, response);
        }

        return TokenResponseParser.ParseSuccess(
            response.Utf8, _endpoints.OrgName, request.Flow, response.Status, _time.GetUtcNow() + expiresAfter, request.ClientSecret, _signatures);
    }
}
