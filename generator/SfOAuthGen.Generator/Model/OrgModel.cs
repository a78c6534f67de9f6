namespace SfOAuthGen.Generator.Model;

/// <summary>How the emitter writes a secret field.</summary>
internal enum SecretEmitKind
{
    /// <summary><c>SecretReference.Parse("env:NAME")</c>: <see cref="SecretModel.Value"/> is the reference.</summary>
    Reference,

    /// <summary><c>SecretReference.Literal("…")</c>, only for the non-secret identifiers (client id, username).</summary>
    Literal,

    /// <summary><c>SecretReference.Manifest(org, field)</c>: the value stays in the manifest and is never compiled in.</summary>
    Manifest,
}

/// <summary>One secret-bearing field. For <see cref="SecretEmitKind.Manifest"/> the value is deliberately not kept.</summary>
internal sealed record SecretModel(string Field, SecretEmitKind Kind, string? Value);

/// <summary>
/// Everything the emitter needs for one org; plain, equatable data with no positions, so moving text around does not
/// re-emit. <see cref="FlowName"/> is the manifest's word (<c>refresh_token</c>), <see cref="FlowMember"/> the
/// <c>SalesforceFlow</c> member it stands for (<c>RefreshToken</c>), both from the shared vocabulary.
/// <see cref="IsTemplate"/>: the org is a template for run-time tenants (<c>"template": true</c>).
/// </summary>
internal sealed record OrgModel(
    string Key,
    string ClassName,
    string? Namespace,
    string LoginUrl,
    string FlowName,
    string FlowMember,
    bool BasicClientAuthentication,
    EquatableArray<SecretModel> Secrets,
    string? Audience,
    string? RedirectUri,
    string? Scope,
    long? SessionLifetimeTicks,
    long? RenewalMarginTicks,
    string? ApiVersion,
    bool? VerifySignature,
    bool IsTemplate = false);

/// <summary>An org model with the position of its key, used only to report class-name collisions across manifests.</summary>
internal sealed record OrgEntry(OrgModel Model, LocationInfo KeyLocation);

/// <summary>What one <c>sfauth.json</c> yields: the orgs that can be generated and the diagnostics.</summary>
internal sealed record ManifestResult(string FilePath, EquatableArray<OrgEntry> Orgs, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The reconciled output of every manifest in the project: unique classes, and all diagnostics.</summary>
internal sealed record GenerationPlan(EquatableArray<OrgModel> Orgs, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// What the DI registration file of one namespace needs: the class names only, so editing an org's other fields leaves
/// it equal and the file is not re-emitted.
/// </summary>
internal sealed record RegistrationModel(string? Namespace, EquatableArray<string> ClassNames);
