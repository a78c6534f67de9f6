using Microsoft.Extensions.Configuration;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Resolves <c>config:Section:Key</c> references through <see cref="IConfiguration"/> (appsettings, user secrets,
/// environment variables, a vault's configuration provider…) and hands every other kind to a fallback resolver.
/// </summary>
/// <remarks>The value is read at each login, so a reloaded or rotated configuration value is picked up then.</remarks>
public sealed class ConfigurationSecretResolver : ISecretResolver
{
    private readonly IConfiguration _configuration;
    private readonly ISecretResolver? _fallback;

    /// <summary>Creates the resolver.</summary>
    /// <param name="configuration">Where <c>config:</c> references are looked up; the key is the reference's name.</param>
    /// <param name="fallback">
    /// Resolves the other kinds (<c>env:</c>, <c>file:</c>, literals, manifest), typically
    /// <see cref="DefaultSecretResolver.Instance"/>; when <see langword="null"/>, they resolve to nothing.
    /// </param>
    public ConfigurationSecretResolver(IConfiguration configuration, ISecretResolver? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
        _fallback = fallback;
    }

    /// <inheritdoc />
    /// <remarks>A missing or empty configuration value gives <see langword="null"/>, which the token client reports by reference.</remarks>
    public ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Kind == SecretReferenceKind.Configuration)
        {
            var value = _configuration[reference.Name];
            return new ValueTask<SecretValue?>(string.IsNullOrEmpty(value) ? null : new SecretValue(value));
        }

        return _fallback is null ? new ValueTask<SecretValue?>((SecretValue?)null) : _fallback.ResolveAsync(reference, cancellationToken);
    }
}
