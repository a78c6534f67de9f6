namespace SfOAuthGen.Testing;

/// <summary>The kinds of <see cref="Fault"/> an interaction can inject.</summary>
public enum FaultKind
{
    /// <summary>Waits <see cref="Fault.Delay"/> before sending the status line and headers (<c>"delay"</c>).</summary>
    Delay,

    /// <summary>Sends the body <see cref="Fault.Bytes"/> bytes at a time, waiting <see cref="Fault.Delay"/> between chunks (<c>"slowBody"</c>).</summary>
    SlowBody,

    /// <summary>Sends only the first <see cref="Fault.Bytes"/> bytes of the body as a complete response, e.g. truncated JSON (<c>"truncate"</c>).</summary>
    TruncatedBody,

    /// <summary>Announces the full length, sends the first <see cref="Fault.Bytes"/> bytes, then aborts the connection (<c>"reset"</c>).</summary>
    ResetMidBody,

    /// <summary>Answers 503 with Salesforce's HTML maintenance page instead of the recorded response (<c>"maintenance"</c>).</summary>
    MaintenancePage,

    /// <summary>Answers 401 <c>INVALID_SESSION_ID</c> as the data API does instead of the recorded response (<c>"invalidSession"</c>).</summary>
    InvalidSession,
}

/// <summary>A fault an <see cref="Interaction"/> injects when it answers. Delays are cancelled when the client goes away or the server is disposed.</summary>
/// <param name="Kind">What goes wrong.</param>
/// <param name="Delay">The delay before headers (<see cref="FaultKind.Delay"/>) or between chunks (<see cref="FaultKind.SlowBody"/>); JSON <c>"delayMs"</c>.</param>
/// <param name="Bytes">The chunk size, or how many body bytes are sent before truncating or resetting; JSON <c>"bytes"</c>.</param>
public sealed record Fault(FaultKind Kind, TimeSpan Delay = default, int Bytes = 0)
{
    /// <summary>Salesforce's maintenance page, served by <see cref="FaultKind.MaintenancePage"/>.</summary>
    public const string MaintenanceHtml =
        "<!DOCTYPE html><html><head><title>Salesforce - Down for Maintenance</title></head>" +
        "<body><h1>Down for Maintenance</h1><p>Salesforce is temporarily unavailable for scheduled maintenance. " +
        "Please check back soon.</p></body></html>";

    /// <summary>The data API's answer to an expired session, served by <see cref="FaultKind.InvalidSession"/>.</summary>
    public const string InvalidSessionJson = """[{"errorCode":"INVALID_SESSION_ID","message":"Session expired or invalid"}]""";

    /// <summary>Waits <paramref name="delay"/> before the headers.</summary>
    /// <param name="delay">How long to wait.</param>
    public static Fault DelayHeaders(TimeSpan delay) => new(FaultKind.Delay, delay);

    /// <summary>Sends the body <paramref name="chunkBytes"/> bytes at a time, <paramref name="interval"/> apart.</summary>
    /// <param name="chunkBytes">Bytes per chunk (at least 1).</param>
    /// <param name="interval">The wait between chunks.</param>
    public static Fault SlowBody(int chunkBytes, TimeSpan interval) => new(FaultKind.SlowBody, interval, chunkBytes);

    /// <summary>Sends only the first <paramref name="bytes"/> bytes of the body, as a complete response.</summary>
    /// <param name="bytes">How many body bytes to keep.</param>
    public static Fault Truncate(int bytes) => new(FaultKind.TruncatedBody, Bytes: bytes);

    /// <summary>Sends the first <paramref name="bytes"/> bytes of the body, then aborts the connection.</summary>
    /// <param name="bytes">How many body bytes to send first.</param>
    public static Fault ResetAfter(int bytes) => new(FaultKind.ResetMidBody, Bytes: bytes);

    /// <summary>Answers 503 with an HTML maintenance page.</summary>
    public static Fault Maintenance() => new(FaultKind.MaintenancePage);

    /// <summary>Answers 401 <c>INVALID_SESSION_ID</c>.</summary>
    public static Fault InvalidSession() => new(FaultKind.InvalidSession);
}
