using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Resolves one org's secret references for one token request, turning an absent value into an error that names the
/// reference, the manifest field and the org, so that a null never reaches Salesforce.
/// </summary>
internal sealed class OrgSecrets
{
    private readonly SalesforceOrgSettings _settings;
    private readonly ISecretResolver _resolver;

    public OrgSecrets(SalesforceOrgSettings settings, ISecretResolver resolver)
    {
        _settings = settings;
        _resolver = resolver;
    }

    public string OrgName => _settings.Name;

    /// <summary>The value of a field the flow cannot do without.</summary>
    public async ValueTask<string> RequireAsync(string field, SecretReference? reference, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            throw new SalesforceConfigurationException(
                _settings.Name,
                field,
                $"Salesforce org '{_settings.Name}': the {SalesforceFlowNames.NameOf(_settings.Flow)} flow needs '{field}', which is not set. Add it to the org in sfauth.json (for example \"{field}\": \"env:NAME\").");
        }

        return await ResolveAsync(field, reference, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The value of an optional field: <see langword="null"/> when not configured; an error when configured but absent.</summary>
    public async ValueTask<string?> OptionalAsync(string field, SecretReference? reference, CancellationToken cancellationToken) =>
        reference is null ? null : await ResolveAsync(field, reference, cancellationToken).ConfigureAwait(false);

    private async ValueTask<string> ResolveAsync(string field, SecretReference reference, CancellationToken cancellationToken)
    {
        SecretValue? value;
        try
        {
            value = await _resolver.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        catch (SalesforceConfigurationException)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The inner exception's type and message describe the resolver's problem; our message names only the reference.
            throw new SalesforceConfigurationException(
                _settings.Name,
                field,
                $"Salesforce org '{_settings.Name}': resolving '{field}' ({reference}) failed with {ex.GetType().Name}.",
                ex);
        }

        if (value is null || value.Length == 0)
        {
            throw new SalesforceConfigurationException(_settings.Name, field, Missing(field, reference));
        }

        return value.Reveal();
    }

    private string Missing(string field, SecretReference reference)
    {
        var org = _settings.Name;
        return reference.Kind switch
        {
            SecretReferenceKind.Environment =>
                $"Salesforce org '{org}': the environment variable '{reference.Name}' is not set or is empty; it supplies '{field}' ({reference}).",
            SecretReferenceKind.Configuration =>
                $"Salesforce org '{org}': '{field}' refers to configuration ({reference}), which needs a configuration-aware secret resolver (register the org through dependency injection) or was not found there. The default resolver reads only env:, file:, manifest and literal values.",
            SecretReferenceKind.File =>
                $"Salesforce org '{org}': the file '{reference.Name}' for '{field}' ({reference}) does not exist or is empty.",
            SecretReferenceKind.Manifest =>
                $"Salesforce org '{org}': '{field}' is kept in sfauth.json ({reference}) but the manifest beside the application has no non-empty value for it.",
            _ => $"Salesforce org '{org}': '{field}' is an empty literal.",
        };
    }
}
