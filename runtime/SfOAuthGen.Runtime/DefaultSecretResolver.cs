namespace SfOAuthGen.Runtime;

/// <summary>
/// Resolves literals, <c>env:NAME</c>, <c>file:path</c> and manifest references (<c>sfauth.json</c> beside the application).
/// Configuration references need a configuration-aware resolver.
/// </summary>
public sealed class DefaultSecretResolver : ISecretResolver
{
    /// <summary>The shared instance.</summary>
    public static DefaultSecretResolver Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
