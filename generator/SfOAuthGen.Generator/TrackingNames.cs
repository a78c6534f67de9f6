namespace SfOAuthGen.Generator;

/// <summary>Names of the pipeline steps, so incremental tests can find them with <c>TrackedSteps</c>.</summary>
internal static class TrackingNames
{
    public const string ManifestFiles = nameof(ManifestFiles);
    public const string RootNamespace = nameof(RootNamespace);
    public const string ParsedManifests = nameof(ParsedManifests);
    public const string GenerationPlan = nameof(GenerationPlan);
    public const string OrgModels = nameof(OrgModels);
    public const string Diagnostics = nameof(Diagnostics);
    public const string RegistrationPlan = nameof(RegistrationPlan);
    public const string Registrations = nameof(Registrations);
}
