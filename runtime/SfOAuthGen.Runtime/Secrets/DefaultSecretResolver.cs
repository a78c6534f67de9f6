using System.Text.Json;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Resolves literals, <c>env:NAME</c>, <c>file:path</c> and manifest references (<c>sfauth.json</c> beside the application).
/// Configuration references need a configuration-aware resolver.
/// </summary>
/// <remarks>Values are read on every call, so a rotated environment variable or file is picked up at the next login.</remarks>
public sealed class DefaultSecretResolver : ISecretResolver
{
    private static readonly JsonDocumentOptions ManifestOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Creates a resolver that reads manifest references from <c>sfauth.json</c> in <see cref="AppContext.BaseDirectory"/>.</summary>
    public DefaultSecretResolver()
        : this(Path.Combine(AppContext.BaseDirectory, "sfauth.json"))
    {
    }

    /// <summary>Creates a resolver that reads manifest references from the manifest at <paramref name="manifestPath"/>.</summary>
    public DefaultSecretResolver(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        ManifestPath = manifestPath;
    }

    /// <summary>The shared instance, reading <c>sfauth.json</c> beside the application.</summary>
    public static DefaultSecretResolver Instance { get; } = new();

    /// <summary>Where manifest references are read from.</summary>
    public string ManifestPath { get; }

    /// <inheritdoc />
    /// <remarks>
    /// An unset or empty environment variable, a missing or empty file, a missing manifest field and a configuration
    /// reference all give <see langword="null"/>. A missing or malformed manifest is a <see cref="SalesforceConfigurationException"/>.
    /// </remarks>
    public async ValueTask<SecretValue?> ResolveAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        switch (reference.Kind)
        {
            case SecretReferenceKind.Literal:
                return reference.TryGetLiteral(out var literal) ? new SecretValue(literal) : null;
            case SecretReferenceKind.Environment:
                return Wrap(System.Environment.GetEnvironmentVariable(reference.Name));
            case SecretReferenceKind.File:
                if (!System.IO.File.Exists(reference.Name))
                {
                    return null;
                }

                return Wrap((await System.IO.File.ReadAllTextAsync(reference.Name, cancellationToken).ConfigureAwait(false)).Trim());
            case SecretReferenceKind.Manifest:
                return await ReadManifestAsync(reference, cancellationToken).ConfigureAwait(false);
            default:
                return null;
        }
    }

    private async ValueTask<SecretValue?> ReadManifestAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        // Manifest names are "<org>.<field>"; org names are C# identifiers, so the first dot separates them.
        var dot = reference.Name.IndexOf('.', StringComparison.Ordinal);
        var org = reference.Name[..dot];
        var field = reference.Name[(dot + 1)..];
        if (!System.IO.File.Exists(ManifestPath))
        {
            throw new SalesforceConfigurationException(
                org, field,
                $"Salesforce org '{org}': '{field}' is kept in sfauth.json ({reference}), but no manifest was found at '{ManifestPath}'. The build copies sfauth.json to the output directory; check it is there.");
        }

        try
        {
            var stream = System.IO.File.OpenRead(ManifestPath);
            await using (stream.ConfigureAwait(false))
            {
                using var document = await JsonDocument.ParseAsync(stream, ManifestOptions, cancellationToken).ConfigureAwait(false);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("orgs", out var orgs) && orgs.ValueKind == JsonValueKind.Object
                    && orgs.TryGetProperty(org, out var orgElement) && orgElement.ValueKind == JsonValueKind.Object
                    && orgElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return Wrap(value.GetString());
                }

                return null;
            }
        }
        catch (JsonException ex)
        {
            // JsonException names the position, never the text around it.
            throw new SalesforceConfigurationException(
                org, field, $"Salesforce org '{org}': the manifest '{ManifestPath}' is not valid JSON (line {ex.LineNumber + 1}).", ex);
        }
    }

    private static SecretValue? Wrap(string? value) => string.IsNullOrEmpty(value) ? null : new SecretValue(value);
}
