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
        new(reference.Name switch
        {
            "SF_DEMO_CLIENT_ID" => new SecretValue("worker-sample-client"),
            "SF_DEMO_CLIENT_SECRET" => new SecretValue("demo-client-secret-" + nonce),
            "SF_DEMO_USERNAME" => new SecretValue("worker@example.com"),
            "SF_DEMO_PASSWORD" => new SecretValue("demo-password-" + nonce),
            "SF_DEMO_SECURITY_TOKEN" => new SecretValue("demo-token-" + nonce),
            _ => null,
        });
}
