using SfOAuthGen.Runtime;

namespace SfOAuthGen.QuickStart;

/// <summary>
/// Answers every secret reference with a demo value, so the replay needs no environment variables.
/// The cassette's placeholders accept any value; these never leave the machine.
/// </summary>
internal sealed class DemoSecrets : ISecretResolver
{
    public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) =>
        ValueTask.FromResult<SecretValue?>(new SecretValue("demo-" + reference.Name.ToLowerInvariant().Replace('_', '-')));
}
