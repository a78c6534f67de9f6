using SfOAuthGen.Testing;

namespace SfOAuthGen.IntegrationTests.Infrastructure;

/// <summary>
/// What the tests of one generated org's flow share: fresh credentials, the transcript of everything printed, the
/// secrets that must not appear in it, and the checks over the server's log.
/// </summary>
public abstract class GeneratedOrgFlowTests
{
    private protected static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private protected GeneratedOrgFlowTests()
    {
        Secrets = new FlowSecrets(Credentials);
    }

    private protected Credentials Credentials { get; } = Credentials.Create();

    private protected Transcript Transcript { get; } = new();

    private protected FlowSecrets Secrets { get; }

    /// <summary>Token-endpoint requests the server logged (built-in or cassette).</summary>
    private protected int TokenRequests() => Transcript.Lines.Count(l => l.StartsWith("server: POST " + RequestPattern.TokenPath, StringComparison.Ordinal));

    private protected void AssertNoSecret(RecordedResponseServer server) => Transcript.AssertNoSecret(Credentials, Secrets.HeldAndIssued(server));
}
