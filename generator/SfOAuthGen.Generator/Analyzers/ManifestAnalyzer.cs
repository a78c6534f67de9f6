using System;
using System.Collections.Immutable;
using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SfOAuthGen.Generator.Diagnostics;
using SfOAuthGen.Generator.Parsing;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Generator.Analyzers;

/// <summary>
/// Reads <c>sfauth.json</c> for what the generator does not reject but a user should hear about: literal secrets
/// (SFAUTH001), the retiring username-password flow (SFAUTH004), and client credentials on a generic login host
/// (SFAUTH005). Structural errors are the generator's (SFAUTH1xx); this analyzer skips whatever it cannot read.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ManifestAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ManifestSecret,
        DiagnosticDescriptors.RetiringPasswordFlow,
        DiagnosticDescriptors.ClientCredentialsOnGenericHost);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterAdditionalFileAction(Analyze);
    }

    private static void Analyze(AdditionalFileAnalysisContext context)
    {
        var file = context.AdditionalFile;
        if (!string.Equals(Path.GetFileName(file.Path), SfOAuthGenerator.ManifestFileName, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var text = file.GetText(context.CancellationToken);
        if (text is null)
        {
            return;
        }

        var root = ManifestJson.Read(text).Root;
        if (root?.Kind != ManifestValueKind.Object)
        {
            return;
        }

        foreach (var rootProperty in root.Properties)
        {
            if (rootProperty.Name != "orgs" || rootProperty.Value.Kind != ManifestValueKind.Object)
            {
                continue;
            }

            foreach (var org in rootProperty.Value.Properties)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (org.Value.Kind == ManifestValueKind.Object)
                {
                    AnalyzeOrg(context, file.Path, text, org);
                }
            }
        }
    }

    private static void AnalyzeOrg(AdditionalFileAnalysisContext context, string path, SourceText text, ManifestProperty org)
    {
        var orgName = SecretShapes.Shorten(org.Name);
        ManifestValue? flow = null;
        ManifestValue? loginUrl = null;
        foreach (var property in org.Value.Properties)
        {
            var value = property.Value;
            if (value.Kind != ManifestValueKind.String)
            {
                continue; // the generator reports the wrong type
            }

            if (ManifestVocabulary.IsSecret(property.Name) && !SecretShapes.IsNotSecret(value.Text!))
            {
                Report(context, DiagnosticDescriptors.ManifestSecret, path, text, value.Span,
                    property.Name, orgName, SecretShapes.SuggestedVariable(org.Name, property.Name));
            }
            else if (property.Name == ManifestVocabulary.Flow)
            {
                flow ??= value;
            }
            else if (property.Name == ManifestVocabulary.LoginUrl)
            {
                loginUrl ??= value;
            }
        }

        if (flow?.Text == "password")
        {
            Report(context, DiagnosticDescriptors.RetiringPasswordFlow, path, text, flow.Span, orgName);
        }
        else if (flow?.Text == "client_credentials" && loginUrl is not null && IsGenericLoginHost(loginUrl.Text!, out var host))
        {
            Report(context, DiagnosticDescriptors.ClientCredentialsOnGenericHost, path, text, loginUrl.Span, orgName, host);
        }
    }

    private static bool IsGenericLoginHost(string url, out string host)
    {
        host = string.Empty;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return false;
        }

        host = uri.Host.TrimEnd('.').ToLowerInvariant();
        return host is "login.salesforce.com" or "test.salesforce.com";
    }

    private static void Report(AdditionalFileAnalysisContext context, DiagnosticDescriptor descriptor, string path, SourceText text, TextSpan span, params object[] args)
    {
        var location = Location.Create(path, span, text.Lines.GetLinePositionSpan(span));
        context.ReportDiagnostic(Diagnostic.Create(descriptor, location, args));
    }
}
