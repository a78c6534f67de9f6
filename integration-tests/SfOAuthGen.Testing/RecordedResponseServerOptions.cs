namespace SfOAuthGen.Testing;

/// <summary>Settings for a <see cref="RecordedResponseServer"/>.</summary>
public sealed class RecordedResponseServerOptions
{
    /// <summary>
    /// Answers through <see cref="RecordedResponseServer.CreateHandler"/> instead of a socket: the same cassette, matching,
    /// sequences, placeholders and faults, with no port (a connection reset becomes an <see cref="HttpRequestException"/>).
    /// For unit tests and <c>SalesforceTokenClientOptions.HttpClient</c>.
    /// </summary>
    public bool InMemory { get; set; }

    /// <summary>
    /// The record mode of a server started from a cassette file (<see cref="RecordedResponseServer.StartAsync(string, RecordedResponseServerOptions?, CancellationToken)"/>);
    /// <see langword="null"/> (the default) reads <c>SFAUTH_RECORD</c>, and without it replays only.
    /// </summary>
    public RecordMode? RecordMode { get; set; }

    /// <summary>Where a recording mode sends requests, e.g. <c>https://login.salesforce.com</c> or a My Domain host.</summary>
    public Uri? Upstream { get; set; }

    /// <summary>The loopback port to listen on; 0 (the default) lets the kernel choose a free one.</summary>
    public int Port { get; set; }

    /// <summary>The clock used for fault delays; a fake one lets tests step through delays without waiting.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The status code of the answer to a request no interaction matches; 599 by default so it cannot be mistaken for Salesforce's.</summary>
    public int UnmatchedStatusCode { get; set; } = 599;

    /// <summary>Receives one line per request (secrets masked); <see langword="null"/> (the default) logs nothing.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Salesforce's login rate limit, refresh-token idle expiry and session timeout; <see langword="null"/> (the default) applies none.</summary>
    public SalesforceLimits? Limits { get; set; }

    /// <summary>
    /// Turns on the built-in OAuth behaviours (authorize with PKCE, the authorization-code, JWT bearer and refresh grants
    /// for tokens the server issued, revoke, introspect); <see langword="null"/> (the default) serves the cassette only.
    /// </summary>
    public AuthorizationServerOptions? Authorization { get; set; }
}
