using SfOAuthGen.Runtime;

namespace WorkerSample;

/// <summary>
/// Stands in for the environment variables that sfauth.json references (<c>env:SF_DEMO_…</c>): fake values, made per
/// run. A real app leaves SecretResolver alone and sets the variables, or uses <c>config:</c> references.
/// </summary>
internal sealed class DemoSecrets : ISecretResolver
{
    private readonly string nonce = Guid.NewGuid().ToString("N")[..12];

    public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) =>
        new(reference.Name.StartsWith("SF_DEMO_", StringComparison.Ordinal)
            ? new SecretValue($"demo-{reference.Name[8..].ToLowerInvariant().Replace('_', '-')}-{nonce}")
            : null);
}
