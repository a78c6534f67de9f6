using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>What the HTTP clients registered for an org must do whatever else the app configures on them.</summary>
internal static class SalesforceHttpClientDefaults
{
    /// <summary>
    /// Every header value is redacted in IHttpClientFactory's logs, as .NET 9 and later do by default: Salesforce
    /// carries sessions in <c>Authorization</c>, <c>X-SFDC-Session</c>, <c>Cookie</c> and <c>Set-Cookie</c> (and an
    /// app or proxy may add more), so naming some would leave the rest in clear at Trace.
    /// </summary>
    public static IHttpClientBuilder RedactEveryLoggedHeader(this IHttpClientBuilder builder) =>
        builder.RedactLoggedHeaders(static _ => true);

    /// <summary>
    /// The token client never follows a redirect. Added after every other configuration (a post-configure step), so it
    /// also applies to a primary handler the app sets itself.
    /// </summary>
    public static IHttpClientBuilder RefuseRedirects(this IHttpClientBuilder builder)
    {
        builder.Services.PostConfigure<HttpClientFactoryOptions>(
            builder.Name, static options => options.HttpMessageHandlerBuilderActions.Add(static handlers => TransportSecurity.RefuseRedirects(handlers.PrimaryHandler)));
        return builder;
    }
}
