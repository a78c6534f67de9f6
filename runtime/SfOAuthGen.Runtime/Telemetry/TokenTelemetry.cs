using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Runtime;

/// <summary>
/// One org's logs, metrics and traces. Every value recorded here is a name, a flow, a status or a duration: the
/// callers never pass a token, a secret or a form field.
/// </summary>
internal sealed partial class TokenTelemetry
{
    private static readonly string Version = typeof(TokenTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";
    private static readonly ActivitySource Source = new(SalesforceDiagnostics.ActivitySourceName, Version);
    private static readonly Lazy<Instruments> SharedInstruments = new(() => new Instruments(new Meter(SalesforceDiagnostics.MeterName, Version)));

    private readonly Instruments _instruments;
    private readonly Counter<long> _cacheHits; // its own field: one load fewer on the cached path
    private readonly KeyValuePair<string, object?> _orgTag;
    private readonly TimeProvider _time;

    public TokenTelemetry(string org, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, TimeProvider time)
    {
        Org = org;
        _time = time;
        _orgTag = new("org", org);
        Logger = (ILogger?)loggerFactory?.CreateLogger<SalesforceTokenClient>() ?? NullLogger.Instance;

        // A meter from the app's factory is scoped to its container (and its tests); without one, a process-wide meter.
        _instruments = meterFactory is null
            ? SharedInstruments.Value
            : new Instruments(meterFactory.Create(new MeterOptions(SalesforceDiagnostics.MeterName) { Version = Version }));
        _cacheHits = _instruments.CacheHits;
    }

    public string Org { get; }

    public ILogger Logger { get; }

    public long Timestamp() => _time.GetTimestamp();

    /// <summary>On the cached path: no allocation, and next to nothing without a listener.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void CacheHit()
    {
        var counter = _cacheHits;
        if (counter.Enabled)
        {
            counter.Add(1, _orgTag);
        }
    }

    /// <summary>Starts the activity of one request to an OAuth endpoint; <see langword="null"/> when nothing listens.</summary>
    public Activity? StartRequest(SalesforceFlow flow, OAuthOperation operation)
    {
        var activity = Source.StartActivity(SalesforceDiagnostics.TokenRequestActivity, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("sfoauthgen.org", Org);
            activity.SetTag("sfoauthgen.flow", Describe(flow));
            activity.SetTag("sfoauthgen.operation", OAuthEndpoints.Name(operation));
        }

        return activity;
    }

    /// <summary>Records one OAuth request's end (token, revoke or introspect) and closes its activity.</summary>
    public void RequestEnded(Activity? activity, SalesforceFlow flow, OAuthOperation operation, Exception? failure)
    {
        var outcome = Outcome(failure);
        if (activity is not null)
        {
            activity.SetTag("sfoauthgen.outcome", outcome);
            if (failure is not null)
            {
                var errorType = ErrorType(failure);
                activity.SetTag("error.type", errorType);
                activity.SetStatus(ActivityStatusCode.Error, errorType);
            }

            activity.Dispose();
        }

        var requests = _instruments.Requests;
        if (requests.Enabled)
        {
            requests.Add(1, _orgTag, new("flow", Describe(flow)), new("outcome", outcome), new("operation", OAuthEndpoints.Name(operation)));
        }
    }

    /// <summary>A new token is cached (renewal: the client had one before) or obtaining one failed.</summary>
    public void RenewalEnded(long started, SalesforceFlow flow, bool renewal, SalesforceToken? token, Exception? failure)
    {
        var elapsed = _time.GetElapsedTime(started);
        var flowName = Describe(flow);
        var outcome = Outcome(failure);
        var duration = _instruments.RenewalDuration;
        if (duration.Enabled)
        {
            duration.Record(elapsed.TotalSeconds, _orgTag, new("flow", flowName), new("outcome", outcome));
        }

        var ms = elapsed.TotalMilliseconds;
        if (token is not null)
        {
            if (renewal)
            {
                LogRenewed(Logger, Org, flowName, ms, token.InstanceUrl);
            }
            else
            {
                LogAcquired(Logger, Org, flowName, ms, token.InstanceUrl);
            }
        }
        else if (failure is not null)
        {
            var transient = failure is SalesforceAuthException { IsTransient: true };
            LogFailed(Logger, transient ? LogLevel.Warning : LogLevel.Error, Org, flowName, ErrorType(failure), transient, ms, failure);
        }
    }

    internal static string Describe(SalesforceFlow flow) => SalesforceFlowNames.NameOf(flow);

    private static string Outcome(Exception? failure) => failure switch
    {
        null => "success",
        SalesforceAuthException { IsTransient: true } => "transient_failure",
        _ => "failure",
    };

    // Salesforce's error code, else the exception's type: both are fixed vocabularies, never a value from a request.
    private static string ErrorType(Exception failure) =>
        (failure as SalesforceAuthException)?.Error ?? failure.GetType().Name;

    [LoggerMessage(EventId = 1, EventName = "TokenAcquired", Level = LogLevel.Information,
        Message = "Salesforce org {Org}: token acquired with the {Flow} flow in {ElapsedMs:0.#} ms; instance {InstanceUrl}")]
    private static partial void LogAcquired(ILogger logger, string org, string flow, double elapsedMs, Uri instanceUrl);

    [LoggerMessage(EventId = 2, EventName = "TokenRenewed", Level = LogLevel.Information,
        Message = "Salesforce org {Org}: token renewed with the {Flow} flow in {ElapsedMs:0.#} ms; instance {InstanceUrl}")]
    private static partial void LogRenewed(ILogger logger, string org, string flow, double elapsedMs, Uri instanceUrl);

    [LoggerMessage(EventId = 3, EventName = "TokenFailed",
        Message = "Salesforce org {Org}: obtaining a token with the {Flow} flow failed ({Error}, transient: {Transient}) after {ElapsedMs:0.#} ms")]
    private static partial void LogFailed(ILogger logger, LogLevel level, string org, string flow, string error, bool transient, double elapsedMs, Exception exception);

    private sealed class Instruments
    {
        public Instruments(Meter meter)
        {
            Requests = meter.CreateCounter<long>(SalesforceDiagnostics.TokenRequestsMetric, "{request}", "Requests sent to the Salesforce token endpoint.");
            CacheHits = meter.CreateCounter<long>(SalesforceDiagnostics.CacheHitsMetric, "{request}", "Token requests answered from the cache without I/O.");
            RenewalDuration = meter.CreateHistogram<double>(SalesforceDiagnostics.RenewalDurationMetric, "s", "Time taken to obtain a new token, login or renewal.");
        }

        public Counter<long> Requests { get; }

        public Counter<long> CacheHits { get; }

        public Histogram<double> RenewalDuration { get; }
    }
}
