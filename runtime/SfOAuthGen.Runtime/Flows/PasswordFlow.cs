namespace SfOAuthGen.Runtime;

/// <summary>The username-password flow: <c>grant_type=password</c> with the security token appended to the password.</summary>
internal static class PasswordFlow
{
    public static async ValueTask<TokenRequest> CreateRequestAsync(SalesforceOrgSettings settings, OrgSecrets secrets, CancellationToken cancellationToken)
    {
        var clientId = await secrets.RequireAsync("clientId", settings.ClientId, cancellationToken).ConfigureAwait(false);
        var clientSecret = await secrets.RequireAsync("clientSecret", settings.ClientSecret, cancellationToken).ConfigureAwait(false);
        var username = await secrets.RequireAsync("username", settings.Username, cancellationToken).ConfigureAwait(false);
        var password = await secrets.RequireAsync("password", settings.Password, cancellationToken).ConfigureAwait(false);
        var securityToken = await secrets.OptionalAsync("securityToken", settings.SecurityToken, cancellationToken).ConfigureAwait(false);

        var fields = new List<KeyValuePair<string, string>>(6)
        {
            new("grant_type", "password"),
            new("username", username),
            new("password", password + securityToken),
        };
        return TokenRequest.Create(SalesforceFlow.Password, settings.ClientAuthentication, fields, clientId, clientSecret);
    }
}
