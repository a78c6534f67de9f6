namespace SfOAuthGen.Runtime;

/// <summary>
/// Names of the runtime's tracing and metrics sources, for OpenTelemetry's <c>AddSource</c> and <c>AddMeter</c>.
/// </summary>
public static class SalesforceDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: one activity per token request.</summary>
    public const string ActivitySourceName = "SfOAuthGen";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name.</summary>
    public const string MeterName = "SfOAuthGen";

    /// <summary>
    /// Counter: requests sent to Salesforce's OAuth endpoints; tags <c>org</c>, <c>flow</c>, <c>outcome</c>, and
    /// <c>operation</c> (<c>token</c>, <c>revoke</c> or <c>introspect</c>).
    /// </summary>
    public const string TokenRequestsMetric = "sfoauthgen.token.requests";

    /// <summary>Counter: token requests answered from the cache without I/O; tag <c>org</c>.</summary>
    public const string CacheHitsMetric = "sfoauthgen.token.cache_hits";

    /// <summary>
    /// Histogram, seconds: how long obtaining a new token took (a login or a renewal, every caller's shared wait);
    /// tags <c>org</c>, <c>flow</c>, <c>outcome</c>.
    /// </summary>
    public const string RenewalDurationMetric = "sfoauthgen.token.renewal.duration";

    /// <summary>The activity name of a request to an OAuth endpoint (tag <c>sfoauthgen.operation</c> says which).</summary>
    public const string TokenRequestActivity = "sfoauthgen.token.request";
}
