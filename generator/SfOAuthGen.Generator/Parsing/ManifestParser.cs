using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using SfOAuthGen.Generator.Diagnostics;
using SfOAuthGen.Generator.Model;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Generator.Parsing;

/// <summary>
/// Reads one <c>sfauth.json</c> (version 1) into org models and exact-position diagnostics. One instance per file: it
/// owns the diagnostics it reports, as System.Text.Json's generator <c>Parser</c> does, and each concern of the
/// manifest has its own method. Never throws except on cancellation: an unexpected failure becomes SFAUTH100.
/// </summary>
internal sealed partial class ManifestParser
{
    private readonly string _path;
    private readonly SourceText _text;
    private readonly CancellationToken _cancellationToken;
    private readonly List<DiagnosticInfo> _diagnostics = new();

    private ManifestParser(string path, SourceText text, CancellationToken cancellationToken)
    {
        _path = path;
        _text = text;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The orgs that can be generated (with their key's location) and every diagnostic of the file.</summary>
    public static ManifestResult Parse(string path, SourceText text, string? rootNamespace, CancellationToken cancellationToken)
    {
        var parser = new ManifestParser(path, text, cancellationToken);
        var orgs = new List<OrgEntry>();
        try
        {
            parser.ParseManifest(rootNamespace, orgs);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            orgs.Clear();
            parser.Report(DiagnosticDescriptors.InternalError, new TextSpan(0, 0), exception.GetType().Name + ": " + exception.Message);
        }

        return new ManifestResult(path, orgs.ToEquatableArray(), parser._diagnostics.ToEquatableArray());
    }

    private void ParseManifest(string? rootNamespace, List<OrgEntry> orgs)
    {
        var json = ManifestJson.Read(_text);
        _cancellationToken.ThrowIfCancellationRequested();
        if (json.Root is not { } root)
        {
            Report(DiagnosticDescriptors.InvalidJson, json.ErrorSpan, json.Error ?? "unreadable");
            return;
        }

        if (root.Kind != ManifestValueKind.Object)
        {
            Report(DiagnosticDescriptors.WrongType, StartOf(root), "(manifest)", "an object", root.KindDescription);
            return;
        }

        var fields = CollectProperties(root, ManifestVocabulary.RootProperties, "the manifest");
        // A bad version or namespace stops every org from generating; a bad $schema or an unknown property does not.
        var versionOk = ParseVersion(fields);
        ParseSchema(fields);
        var namespaceOk = ParseNamespace(fields, rootNamespace, out var ns);
        var generate = versionOk && namespaceOk;
        if (ParseOrgsObject(root, fields) is { } orgsObject)
        {
            ParseOrgs(orgsObject, ns, generate, orgs);
        }
    }

    private bool ParseVersion(Dictionary<string, ManifestProperty> fields)
    {
        if (!fields.TryGetValue("version", out var version))
        {
            return true;
        }

        if (version.Value.Kind != ManifestValueKind.Number)
        {
            Report(DiagnosticDescriptors.WrongType, version.Value.Span, "version", "a number", version.Value.KindDescription);
            return false;
        }

        if (!decimal.TryParse(version.Value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number != 1m)
        {
            Report(DiagnosticDescriptors.UnsupportedVersion, version.Value.Span, version.Value.Text ?? string.Empty);
            return false;
        }

        return true;
    }

    private void ParseSchema(Dictionary<string, ManifestProperty> fields)
    {
        if (fields.TryGetValue("$schema", out var schema) && schema.Value.Kind != ManifestValueKind.String)
        {
            // Reported, but it only helps editors, so it does not stop generation.
            Report(DiagnosticDescriptors.WrongType, schema.Value.Span, "$schema", "a string", schema.Value.KindDescription);
        }
    }

    /// <summary>The manifest's namespace, else the project's RootNamespace, else null (the global namespace); false when invalid.</summary>
    private bool ParseNamespace(Dictionary<string, ManifestProperty> fields, string? rootNamespace, out string? ns)
    {
        ns = null;
        if (fields.TryGetValue("namespace", out var property))
        {
            var value = property.Value;
            if (value.Kind != ManifestValueKind.String)
            {
                Report(DiagnosticDescriptors.WrongType, value.Span, "namespace", "a string", value.KindDescription);
                return false;
            }

            if (!ManifestNames.IsValidNamespace(value.Text!))
            {
                Report(DiagnosticDescriptors.InvalidNamespace, value.Span, value.Text!, string.Empty);
                return false;
            }

            ns = value.Text;
            return true;
        }

        if (string.IsNullOrWhiteSpace(rootNamespace))
        {
            return true;
        }

        if (!ManifestNames.IsValidNamespace(rootNamespace!))
        {
            Report(DiagnosticDescriptors.InvalidNamespace, new TextSpan(0, 0), rootNamespace!, " (the project's RootNamespace): set \"namespace\" in sfauth.json");
            return false;
        }

        ns = rootNamespace;
        return true;
    }

    private ManifestValue? ParseOrgsObject(ManifestValue root, Dictionary<string, ManifestProperty> fields)
    {
        if (!fields.TryGetValue("orgs", out var orgs))
        {
            Report(DiagnosticDescriptors.MissingProperty, StartOf(root), "The manifest", "orgs");
            return null;
        }

        if (orgs.Value.Kind != ManifestValueKind.Object)
        {
            Report(DiagnosticDescriptors.WrongType, orgs.Value.Span, "orgs", "an object", orgs.Value.KindDescription);
            return null;
        }

        return orgs.Value;
    }

    private void ParseOrgs(ManifestValue orgsObject, string? ns, bool generate, List<OrgEntry> orgs)
    {
        var classNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var org in orgsObject.Properties)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var before = _diagnostics.Count;
            var className = ParseClassName(org, classNames);
            var model = ParseOrg(org, className, ns);
            // Any diagnostic about this org, even an unknown property, keeps it from generating.
            if (generate && model is not null && _diagnostics.Count == before)
            {
                orgs.Add(new OrgEntry(model, At(org.NameSpan)));
            }
        }
    }

    /// <summary>The org's class name, unique in this file (case-insensitively, as file names may be), or null.</summary>
    private string? ParseClassName(ManifestProperty org, Dictionary<string, string> classNames)
    {
        var className = ManifestNames.ToClassName(org.Name);
        if (className is null)
        {
            Report(DiagnosticDescriptors.InvalidOrgName, org.NameSpan, org.Name);
        }
        else if (classNames.TryGetValue(className, out var firstKey))
        {
            Report(DiagnosticDescriptors.DuplicateClassName, org.NameSpan, org.Name, className, firstKey);
        }
        else
        {
            classNames.Add(className, org.Name);
        }

        return className;
    }

    /// <summary>Indexes an object's properties, reporting unknown names (with the closest known one) and duplicates.</summary>
    private Dictionary<string, ManifestProperty> CollectProperties(ManifestValue value, string[] known, string owner)
    {
        var result = new Dictionary<string, ManifestProperty>(value.Properties.Count, StringComparer.Ordinal);
        foreach (var property in value.Properties)
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                Report(DiagnosticDescriptors.UnknownProperty, property.NameSpan, property.Name, owner, ManifestNames.DidYouMean(property.Name, known));
            }
            else if (result.ContainsKey(property.Name))
            {
                Report(DiagnosticDescriptors.DuplicateProperty, property.NameSpan, property.Name, owner);
            }
            else
            {
                result.Add(property.Name, property);
            }
        }

        return result;
    }

    private void Report(DiagnosticDescriptor descriptor, TextSpan span, params string[] messageArgs) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, At(span), messageArgs));

    private LocationInfo At(TextSpan span) => LocationInfo.Create(_path, _text, span);

    private static TextSpan StartOf(ManifestValue value) => new(value.Span.Start, Math.Min(1, value.Span.Length));
}
