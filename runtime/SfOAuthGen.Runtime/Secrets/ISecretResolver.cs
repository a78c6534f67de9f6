namespace SfOAuthGen.Runtime;

/// <summary>
/// Turns a <see cref="SecretReference"/> into its value at run time.
/// Register another implementation to read secrets from configuration, a vault or a test fixture.
/// </summary>
public interface ISecretResolver
{
    /// <summary>
    /// Resolves <paramref name="reference"/>. Returns <see langword="null"/> when this resolver does not handle the
    /// reference's kind or the value is absent; the token client then reports which reference, field and org are missing.
    /// </summary>
    ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken);
}
