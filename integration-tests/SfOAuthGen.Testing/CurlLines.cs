using System.Text;

namespace SfOAuthGen.Testing;

/// <summary>The ready-to-paste curl lines the standalone server prints for what it was started with.</summary>
internal static class CurlLines
{
    public static string For(Uri baseUri, StandaloneArguments arguments)
    {
        var origin = baseUri.GetLeftPart(UriPartial.Authority);

        // The consumer secret given on the command line is not printed: the lines read it from the shell instead.
        var secret = arguments.ClientSecret is not null ? "\"$SF_CONSUMER_SECRET\"" : arguments.ClientId is null ? "demo-secret" : null;
        var target = new Target(origin, origin + RequestPattern.TokenPath, Quote(arguments.ClientId ?? "demo-client"), secret);
        var text = new StringBuilder("Paste these into a shell (replace the CAPITALISED values with what earlier answers gave):\n");
        if (arguments.ClientSecret is not null)
        {
            text.Append("  export SF_CONSUMER_SECRET='...'   # the --client-secret this server was started with\n");
        }

        if (arguments.Cassette is not null || arguments.Record is not null)
        {
            AppendCassetteLines(text, target);
        }

        if (arguments.ClientId is { } consumerKey)
        {
            AppendBuiltInLines(text, target, consumerKey, arguments);
        }

        if (arguments.Limits is { } limits)
        {
            AppendLimits(text, limits);
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>The flows a recorded cassette typically holds, as the Postman walkthrough sends them.</summary>
    private static void AppendCassetteLines(StringBuilder text, Target target) =>
        text.Append("  # password flow, consumer key and secret as Basic auth (as the Postman walkthrough)\n")
            .Append("  curl -s -u ").Append(target.ClientId).Append(':').Append(target.Secret ?? "demo-secret")
            .Append(" -d grant_type=password -d username=user@example.com -d 'password=PASSWORD_AND_SECURITY_TOKEN' ").Append(target.Token).Append('\n')
            .Append("  # refresh flow\n")
            .Append("  curl -s -d grant_type=refresh_token -d refresh_token=REFRESH_TOKEN -d client_id=").Append(target.ClientId)
            .Append(" -d client_secret=").Append(target.Secret ?? "demo-secret").Append(' ').Append(target.Token).Append('\n')
            .Append("  # a data-API call with the access token\n")
            .Append("  curl -s -H 'Authorization: Bearer ACCESS_TOKEN' ").Append(target.Origin).Append("/services/data/v62.0/limits\n");

    /// <summary>The built-in OAuth endpoints the arguments turned on, with the fixed PKCE pair so the exchange works as pasted.</summary>
    private static void AppendBuiltInLines(StringBuilder text, Target target, string consumerKey, StandaloneArguments arguments)
    {
        var (origin, token, clientId, secret) = target;
        var secretField = secret is null ? string.Empty : " -d client_secret=" + secret;
        text.Append("  # web-server flow with PKCE: authorize (the Location header carries the code), then exchange the code\n")
            .Append("  curl -s -o /dev/null -w '%{redirect_url}\\n' '").Append(origin).Append("/services/oauth2/authorize?response_type=code&client_id=")
            .Append(Uri.EscapeDataString(consumerKey)).Append("&redirect_uri=").Append(Uri.EscapeDataString(StandaloneServer.ExampleRedirect))
            .Append("&code_challenge=").Append(StandaloneServer.ExampleChallenge).Append("&code_challenge_method=S256&state=xyz'\n")
            .Append("  curl -s -d grant_type=authorization_code -d code=CODE -d redirect_uri=").Append(StandaloneServer.ExampleRedirect)
            .Append(" -d code_verifier=").Append(StandaloneServer.ExampleVerifier).Append(" -d client_id=").Append(clientId).Append(secretField).Append(' ').Append(token).Append('\n')
            .Append("  curl -s -d grant_type=refresh_token -d refresh_token=REFRESH_TOKEN -d client_id=").Append(clientId).Append(secretField).Append(' ').Append(token).Append('\n');
        if (arguments.JwtPublicKeyFile is not null)
        {
            text.Append("  # JWT bearer: an RS256 assertion (iss = consumer key, sub = user, aud = https://login.salesforce.com, exp within 3 minutes)\n")
                .Append("  curl -s -d grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer -d assertion=SIGNED_JWT ").Append(token).Append('\n');
        }

        if (arguments.ServeDataApi)
        {
            text.Append("  curl -s -H 'Authorization: Bearer ACCESS_TOKEN' ").Append(origin).Append("/services/data/v62.0/limits\n");
        }

        text.Append("  curl -s -u ").Append(clientId).Append(':').Append(secret ?? string.Empty).Append(" -d token=ACCESS_TOKEN ").Append(origin).Append("/services/oauth2/introspect\n")
            .Append("  curl -s -d token=REFRESH_TOKEN ").Append(origin).Append("/services/oauth2/revoke\n");
    }

    private static void AppendLimits(StringBuilder text, SalesforceLimits limits)
    {
        text.Append("  # limits: ")
            .Append(limits.LoginsPerHour is { } n ? $"LOGIN_RATE_EXCEEDED after {n} logins per user per hour; " : string.Empty)
            .Append(limits.RefreshTokenIdleTimeout is { } idle ? $"refresh tokens expire after {idle} unused; " : string.Empty)
            .Append(limits.SessionTimeout is { } session ? $"sessions time out after {session} unused; " : string.Empty)
            .Length -= 2;
        text.Append('\n');
    }

    /// <summary>Single-quotes a value for a POSIX shell.</summary>
    private static string Quote(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@' or '/') ? value : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The server and consumer the lines talk to; <see cref="Secret"/> is a shell expression, never the value.</summary>
    private readonly record struct Target(string Origin, string Token, string ClientId, string? Secret);
}
