namespace SfOAuthGen.Runtime;

/// <summary>What a person should check for each error Salesforce's token endpoint returns, and whether retrying may help.</summary>
internal static class TokenErrorHints
{
    internal const string PasswordFlowRetirement =
        "Salesforce retires the username-password flow for connected apps on 2027-02-20, and External Client Apps (the successor to connected apps; since Spring '26 a new connected app needs a Salesforce Support request) do not support the username-password flow at all: move this org to jwt_bearer, client_credentials or web_server in sfauth.json.";

    public static bool IsTransient(string error) => error is "rate_limit_exceeded" or "server_error" or "temporarily_unavailable";

    public static string? For(SalesforceFlow flow, string error, string? description)
    {
        var text = description ?? string.Empty;
        switch (error)
        {
            case "invalid_grant" when flow == SalesforceFlow.Password:
                return "Check the username and password, and that the security token is appended to the password (reset it under Settings > Reset My Security Token) unless the caller's IP is in the org's trusted IP ranges; "
                    + "check the profile's login IP ranges and hours; orgs created in Summer '23 or later block this flow until 'Allow OAuth Username-Password Flows' is turned on in OAuth and OpenID Connect Settings. "
                    + PasswordFlowRetirement;
            case "invalid_grant" when text.Contains("expired access/refresh token", StringComparison.OrdinalIgnoreCase):
                return "The refresh token was revoked, rotated (a newer one replaced it) or expired from disuse: log in again to get a new refresh token (web_server flow).";
            case "invalid_grant" when text.Contains("approved", StringComparison.OrdinalIgnoreCase):
                return "The user has not approved this connected app: in the connected app's OAuth policies set Permitted Users to 'Admin approved users are pre-authorized' and add the user's profile or permission set (Manage Profiles / Manage Permission Sets), or log in once interactively.";
            case "invalid_grant" when text.Contains("audience", StringComparison.OrdinalIgnoreCase):
                return "The JWT 'aud' must be https://login.salesforce.com, https://test.salesforce.com for sandboxes, or the Experience Cloud site URL: it defaults to the origin of loginUrl; set 'audience' in sfauth.json to override it.";
            case "invalid_grant" when flow == SalesforceFlow.WebServer:
                return "The authorization code expired (codes last 15 minutes), was used already, or the code_verifier or redirect_uri differ from the authorize request: run the login again.";
            case "invalid_grant" when flow == SalesforceFlow.JwtBearer:
                return "Salesforce refused the assertion: check that the certificate uploaded to the connected app matches privateKey, that clientId is its consumer key, that username exists in this org, and that the machine's clock is right (exp is 3 minutes ahead).";
            case "invalid_grant":
                return "Salesforce refused the grant: check the credentials or refresh token, the user's login IP ranges, and the connected app's OAuth policies.";
            case "invalid_client_id":
                return "Check the consumer key (clientId): copy it from the connected app (App Manager > View > Manage Consumer Details); a new connected app can take up to 10 minutes to be usable.";
            case "invalid_client":
                return "Check the consumer secret (clientSecret) of the connected app, and the client authentication style (clientAuth: body or basic).";
            case "unsupported_grant_type" when flow == SalesforceFlow.Password:
                return "The app does not allow this grant, the username-password flow: a connected app needs 'Allow OAuth Username-Password Flows' turned on in the org's OAuth and OpenID Connect Settings. "
                    + PasswordFlowRetirement;
            case "unsupported_grant_type":
                return "The connected app does not allow this grant, or the request did not reach the token endpoint: check the flow in sfauth.json and the connected app's OAuth settings.";
            case "inactive_user":
                return "The user is inactive, frozen or locked out: ask a Salesforce admin to reactivate or unfreeze the user.";
            case "inactive_org":
                return "The org is inactive, locked or its trial has expired: check the login URL points at the right org.";
            case "rate_limit_exceeded":
                return "Too many logins for this user (Salesforce allows 3,600 an hour): back off and share one token between application instances instead of logging in from each.";
            case "invalid_request":
                return "The request was malformed or misses a parameter: check the login URL (it must be the org's login host over HTTPS) and the org's settings in sfauth.json.";
            default:
                return null;
        }
    }

    /// <summary>
    /// Salesforce's answer to a second refresh with a token it is still processing (release notes 250, 252): contention
    /// between clients of one chain, not a dead token.
    /// </summary>
    public static bool IsAlreadyBeingProcessed(SalesforceAuthException ex) =>
        ex.Error == "invalid_grant" && ex.ErrorDescription is { } description
        && description.Contains("already being processed", StringComparison.OrdinalIgnoreCase);
}
