using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using SfOAuthGen.Generator.Diagnostics;
using SfOAuthGen.Generator.Model;
using SfOAuthGen.Generator.Parsing;

namespace SfOAuthGen.Generator;

/// <summary>
/// Turns each org of every <c>sfauth.json</c> AdditionalFile into a static class with a shared token client.
/// The pipeline reads only AdditionalFiles and one MSBuild property, so editing C# never reruns it.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SfOAuthGenerator : IIncrementalGenerator
{
    /// <summary>The manifest's file name; matched case-insensitively.</summary>
    public const string ManifestFileName = "sfauth.json";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var manifestFiles = context.AdditionalTextsProvider
            .Where(static text => string.Equals(Path.GetFileName(text.Path), ManifestFileName, StringComparison.OrdinalIgnoreCase))
            .WithTrackingName(TrackingNames.ManifestFiles);

        // Only the string is selected, so unrelated option changes leave it Unchanged.
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var value) ? value : string.Empty)
            .WithTrackingName(TrackingNames.RootNamespace);

        var parsed = manifestFiles
            .Combine(rootNamespace)
            .Select(static (input, cancellationToken) => Parse(input.Left, input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.ParsedManifests);

        var plan = parsed
            .Collect()
            .Select(static (manifests, _) => Reconcile(manifests))
            .WithTrackingName(TrackingNames.GenerationPlan);

        var orgs = plan
            .SelectMany(static (p, _) => p.Orgs)
            .WithTrackingName(TrackingNames.OrgModels);

        var diagnostics = plan
            .Select(static (p, _) => p.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        // Only namespaces and class names reach this step, so an edit to an org's other fields leaves it Unchanged.
        var registrations = plan
            .Select(static (p, _) => PlanRegistrations(p.Orgs))
            .WithTrackingName(TrackingNames.RegistrationPlan)
            .SelectMany(static (list, _) => list)
            .WithTrackingName(TrackingNames.Registrations);

        context.RegisterSourceOutput(orgs, static (spc, org) => Emit(spc, org));
        context.RegisterSourceOutput(registrations, static (spc, registration) => Emit(spc, registration));
        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (var diagnostic in list)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }

    internal static ManifestResult Parse(AdditionalText file, string rootNamespace, CancellationToken cancellationToken)
    {
        try
        {
            var text = file.GetText(cancellationToken);
            if (text is null)
            {
                return new ManifestResult(
                    file.Path,
                    EquatableArray<OrgEntry>.Empty,
                    new[] { DiagnosticInfo.Create(DiagnosticDescriptors.InvalidJson, null, "the file could not be read") }.ToEquatableArray());
            }

            return ManifestParser.Parse(file.Path, text, rootNamespace, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new ManifestResult(
                file.Path,
                EquatableArray<OrgEntry>.Empty,
                new[] { DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, exception.GetType().Name + ": " + exception.Message) }.ToEquatableArray());
        }
    }

    /// <summary>
    /// Merges every manifest of the project: the same file listed twice counts once, and a class name taken by an
    /// earlier manifest (ordinal path order) is a collision, so hint names stay unique and generation never throws.
    /// </summary>
    internal static GenerationPlan Reconcile(ImmutableArray<ManifestResult> manifests)
    {
        var orgs = new List<OrgModel>();
        var diagnostics = new List<DiagnosticInfo>();
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var seenPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var manifest in manifests.OrderBy(m => m.FilePath, StringComparer.Ordinal))
        {
            if (!seenPaths.Add(manifest.FilePath))
            {
                continue;
            }

            diagnostics.AddRange(manifest.Diagnostics);
            foreach (var entry in manifest.Orgs)
            {
                if (owners.TryGetValue(entry.Model.ClassName, out var owner))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateClassName, entry.KeyLocation, entry.Model.Key, entry.Model.ClassName, owner));
                    continue;
                }

                owners.Add(entry.Model.ClassName, entry.Model.Key);
                orgs.Add(entry.Model);
            }
        }

        return new GenerationPlan(orgs.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>One registration file per namespace (a manifest's, or the project's root namespace), classes in plan order.</summary>
    internal static EquatableArray<RegistrationModel> PlanRegistrations(EquatableArray<OrgModel> orgs) =>
        // A template org registers its tenants on its own (AddXOrgTenants): AddSalesforceOrgs covers the fixed orgs.
        orgs.Where(org => !org.IsTemplate).GroupBy(org => org.Namespace ?? string.Empty, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => new RegistrationModel(group.Key.Length == 0 ? null : group.Key, group.Select(org => org.ClassName).ToEquatableArray()))
            .ToEquatableArray();

    private static void Emit(SourceProductionContext context, RegistrationModel registration) =>
        AddSource(context, OrgEmitter.RegistrationsHintName(registration), () => OrgEmitter.RenderRegistrations(registration));

    private static void Emit(SourceProductionContext context, OrgModel org) =>
        AddSource(context, org.ClassName + ".g.cs", () => OrgEmitter.Render(org));

    /// <summary>Adds one rendered file; a rendering failure becomes SFAUTH100 instead of escaping the generator (CS8785).</summary>
    private static void AddSource(SourceProductionContext context, string hintName, Func<SourceText> render)
    {
        SourceText source;
        try
        {
            source = render();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, exception.GetType().Name + ": " + exception.Message));
            return;
        }

        context.AddSource(hintName, source);
    }
}
