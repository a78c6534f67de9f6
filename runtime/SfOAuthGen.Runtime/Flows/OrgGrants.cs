using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Runtime;

/// <summary>A token and the refresh token that now heads the chain, from one grant.</summary>
/// <param name="Token">The access token obtained.</param>
/// <param name="RefreshToken">The only refresh token that may be sent from now on: a rotated one, else the one sent, else none.</param>
/// <param name="Flow">The grant that obtained it (a password org renewing with its refresh token says RefreshToken).</param>
internal readonly record struct Grant(SalesforceToken Token, string? RefreshToken, SalesforceFlow Flow);

/// <summary>
/// Picks the grant that gets an org a new token and sends it: the refresh-token flow while a refresh token is held
/// (or configured), the org's own flow otherwise. The one place that knows which grant an org uses when.
/// </summary>
internal sealed class OrgGrants
{
    private readonly SalesforceOrgSettings _settings;
    private readonly ISecretResolver _resolver;
    private readonly TokenEndpoint _endpoint;
    private readonly TimeProvider _time;
    private readonly Uri _loginUrl;

    public OrgGrants(SalesforceOrgSettings settings, ISecretResolver resolver, TokenEndpoint endpoint, TimeProvider time, Uri loginUrl)
    {
        _settings = settings;
        _resolver = resolver;
        _endpoint = endpoint;
        _time = time;
        _loginUrl = loginUrl;
    }

    /// <summary>Obtains a new token, renewing with <paramref name="heldRefreshToken"/> (the chain's current one) when there is one.</summary>
    public async Task<Grant> RenewAsync(string? heldRefreshToken, CancellationToken stopping)
    {
        var secrets = new OrgSecrets(_settings, _resolver);
        if (heldRefreshToken is not null || _settings.Flow == SalesforceFlow.RefreshToken
            || (_settings.Flow == SalesforceFlow.WebServer && _settings.RefreshToken is not null))
        {
            // Only before the chain holds one does the configured token count: once rotated, it is superseded.
            var refreshToken = heldRefreshToken
                ?? await secrets.RequireAsync("refreshToken", _settings.RefreshToken, stopping).ConfigureAwait(false);
            try
            {
                var request = await RefreshTokenFlow.CreateRequestAsync(_settings, secrets, refreshToken, stopping).ConfigureAwait(false);
                var token = await _endpoint.SendAsync(request, _settings.SessionLifetime, stopping).ConfigureAwait(false);
                return new Grant(token, token.RefreshToken ?? refreshToken, SalesforceFlow.RefreshToken);
            }
            catch (SalesforceAuthException ex) when (_settings.Flow == SalesforceFlow.Password && ex.Error == "invalid_grant" && !ex.IsTransient
                && !TokenErrorHints.IsAlreadyBeingProcessed(ex))
            {
                // The refresh token from an earlier password login is dead (revoked or expired): log in again, once.
            }
        }

        var login = await CreateLoginRequestAsync(secrets, stopping).ConfigureAwait(false);
        var issued = await _endpoint.SendAsync(login, _settings.SessionLifetime, stopping).ConfigureAwait(false);
        return new Grant(issued, issued.RefreshToken, _settings.Flow);
    }

    /// <summary>The request of a flow that starts without a refresh token; web_server explains what is missing.</summary>
    private async Task<TokenRequest> CreateLoginRequestAsync(OrgSecrets secrets, CancellationToken stopping) => _settings.Flow switch
    {
        SalesforceFlow.Password => await PasswordFlow.CreateRequestAsync(_settings, secrets, stopping).ConfigureAwait(false),
        SalesforceFlow.JwtBearer => await JwtBearerFlow.CreateRequestAsync(_settings, secrets, _time, stopping).ConfigureAwait(false),
        SalesforceFlow.ClientCredentials => await ClientCredentialsFlow.CreateRequestAsync(_settings, secrets, _loginUrl, stopping).ConfigureAwait(false),
        SalesforceFlow.WebServer when _settings.Tenant is not null => throw new SalesforceConfigurationException(
            _settings.Name, "refreshToken",
            $"Salesforce org '{_settings.Name}': this tenant has not connected its org yet (no refresh token in the token store). Send its admin through the connect endpoint (MapSalesforceConnect), or call ISalesforceTenants.CompleteAuthorizationAsync."),
        SalesforceFlow.WebServer => throw new SalesforceConfigurationException(
            _settings.Name, "refreshToken",
            $"Salesforce org '{_settings.Name}': the web_server flow has no refresh token yet. Run 'sfauth login {_settings.Name}' once (it stores one where 'refreshToken' points), or call ExchangeAuthorizationCodeAsync."),
        _ => throw new SalesforceConfigurationException(
            _settings.Name, "flow",
            $"Salesforce org '{_settings.Name}': the {SalesforceFlowNames.NameOf(_settings.Flow)} flow is not supported by this version of SfOAuthGen.Runtime."),
    };
}
