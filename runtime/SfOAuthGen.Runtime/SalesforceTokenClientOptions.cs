using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace SfOAuthGen.Runtime;

/// <summary>How a <see cref="SalesforceTokenClient"/> reaches Salesforce, resolves secrets and tells the time.</summary>
public sealed class SalesforceTokenClientOptions
{
    /// <summary>
    /// The <see cref="System.Net.Http.HttpClient"/> to send token requests with (from <c>IHttpClientFactory</c>, say).
    /// When <see langword="null"/>, the client creates and owns one.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Replaces the org's login URL, for example with a recorded-response server on loopback.</summary>
    public Uri? LoginUrl { get; init; }

    /// <summary>Resolves secret references. Defaults to <see cref="DefaultSecretResolver.Instance"/>.</summary>
    public ISecretResolver? SecretResolver { get; init; }

    /// <summary>The clock for expiry and back-off. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>The longest a single token request may take before it fails as transient.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a failed token request, how long the client waits before it sends another one; callers in between get the
    /// same failure. This caps logins (Salesforce blocks users after 3,600 an hour). <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan FailureBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where the client logs token acquired, renewed and failed events (org, flow, elapsed time; never a credential).
    /// When <see langword="null"/>, nothing is logged.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Creates the <c>SfOAuthGen</c> meter (<see cref="SalesforceDiagnostics"/>). When <see langword="null"/>, a
    /// process-wide meter of that name is used.
    /// </summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>Gives the HttpClient for each token request; set by the dependency-injection registration (IHttpClientFactory).</summary>
    internal Func<HttpClient>? HttpClientSource { get; init; }
}
