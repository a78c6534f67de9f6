namespace SfOAuthGen.Runtime;

/// <summary>The refresh-token flow: <c>grant_type=refresh_token</c>; the client secret is optional for public apps.</summary>
internal static class RefreshTokenFlow
{
    public static async ValueTask<TokenRequest> CreateRequestAsync(
        SalesforceOrgSettings settings, OrgSecrets secrets, string refreshToken, CancellationToken cancellationToken)
    {
        var clientId = await secrets.RequireAsync("clientId", settings.ClientId, cancellationToken).ConfigureAwait(false);
        var clientSecret = await secrets.OptionalAsync("clientSecret", settings.ClientSecret, cancellationToken).ConfigureAwait(false);

        var fields = new List<KeyValuePair<string, string>>(5)
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("format", "json"),
        };
        return TokenRequest.Create(SalesforceFlow.RefreshToken, settings.ClientAuthentication, fields, clientId, clientSecret);
    }
}
