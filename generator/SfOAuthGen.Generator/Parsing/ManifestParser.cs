using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SfOAuthGen.Generator.Diagnostics;
using SfOAuthGen.Generator.Model;

namespace SfOAuthGen.Generator.Parsing;

/// <summary>One org as written: its key, where the key is, its properties (with spans), and its model when it is valid.</summary>
internal sealed class ParsedOrg
{
    public ParsedOrg(string key, TextSpan keySpan, ManifestValue value, OrgModel? model)
    {
        Key = key;
        KeySpan = keySpan;
        Value = value;
        Model = model;
    }

    public string Key { get; }

    public TextSpan KeySpan { get; }

    /// <summary>The org's JSON value; analyzers walk its properties (secret literals, retired flows).</summary>
    public ManifestValue Value { get; }

    /// <summary>The model to generate from, or null when the org has errors.</summary>
    public OrgModel? Model { get; }
}

/// <summary>The manifest as read: its JSON tree (null when not valid JSON), every org, and the diagnostics.</summary>
internal sealed class ParsedManifest
{
    public ParsedManifest(ManifestValue? root, IReadOnlyList<ParsedOrg> orgs, IReadOnlyList<DiagnosticInfo> diagnostics)
    {
        Root = root;
        Orgs = orgs;
        Diagnostics = diagnostics;
    }

    public ManifestValue? Root { get; }

    public IReadOnlyList<ParsedOrg> Orgs { get; }

    public IReadOnlyList<DiagnosticInfo> Diagnostics { get; }
}

/// <summary>
/// Reads <c>sfauth.json</c> (version 1) into org models and exact-position diagnostics. Never throws except on
/// cancellation: an unexpected failure becomes SFAUTH100.
/// </summary>
internal static class ManifestParser
{
    public static readonly string[] RootProperties = { "$schema", "version", "namespace", "orgs" };

    public static readonly string[] OrgProperties =
    {
        "loginUrl", "flow", "clientAuth", "clientId", "clientSecret", "username", "password", "securityToken",
        "refreshToken", "privateKey", "audience", "redirectUri", "scope", "sessionLifetime", "renewalMargin",
        "apiVersion", "verifySignature",
    };

    /// <summary>The secret-bearing fields, in emission order. The first two identify rather than authenticate.</summary>
    public static readonly string[] SecretFields = { "clientId", "username", "clientSecret", "password", "securityToken", "refreshToken", "privateKey" };

    public static readonly string[] ReferencePrefixes = { "env:", "config:", "file:" };

    /// <summary>Longer names are refused: they also become file names (<c>&lt;Name&gt;Org.g.cs</c>), and C# caps identifiers at 512.</summary>
    public const int MaxClassNameLength = 100;

    private static readonly string[] FlowNames = { "password", "refresh_token", "jwt_bearer", "client_credentials", "web_server" };

    public static ParsedManifest Parse(string path, SourceText text, string? rootNamespace, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        try
        {
            return ParseCore(path, text, rootNamespace, diagnostics, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InternalError,
                LocationInfo.Create(path, text, new TextSpan(0, 0)),
                exception.GetType().Name + ": " + exception.Message));
            return new ParsedManifest(null, Array.Empty<ParsedOrg>(), diagnostics);
        }
    }

    /// <summary>The class an org key becomes, or null when the key has no letter or digit to build one from.</summary>
    /// <remarks>
    /// Runs of letters and digits become PascalCase words and everything else separates them; <c>Org</c> is appended, so
    /// keywords need no escaping (<c>class</c> → <c>ClassOrg</c>); a leading digit gets an underscore
    /// (<c>2024sandbox</c> → <c>_2024sandboxOrg</c>).
    /// </remarks>
    public static string? ToClassName(string key)
    {
        if (key.Length > MaxClassNameLength * 4)
        {
            return null;
        }

        var name = new StringBuilder();
        var startOfWord = true;
        foreach (var ch in key)
        {
            var isWordChar = ch != '_' && SyntaxFacts.IsIdentifierPartCharacter(ch) && CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.Format;
            if (!isWordChar)
            {
                startOfWord = true;
                continue;
            }

            name.Append(startOfWord ? char.ToUpperInvariant(ch) : ch);
            startOfWord = false;
        }

        if (name.Length == 0)
        {
            return null;
        }

        if (!SyntaxFacts.IsIdentifierStartCharacter(name[0]))
        {
            name.Insert(0, '_');
        }

        name.Append("Org");
        var result = name.ToString();
        return result.Length <= MaxClassNameLength && SyntaxFacts.IsValidIdentifier(result) ? result : null;
    }

    /// <summary>The known name closest to <paramref name="name"/>, when it is close enough to be a likely typo.</summary>
    public static string? ClosestName(string name, IEnumerable<string> candidates)
    {
        if (name.Length > 64)
        {
            return null; // no typo is that long, and the distance is quadratic
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    public static bool IsValidNamespace(string value) =>
        value.Length > 0 && value.Split('.').All(part =>
            SyntaxFacts.IsValidIdentifier(part) && SyntaxFacts.GetKeywordKind(part) == SyntaxKind.None);

    private static ParsedManifest ParseCore(string path, SourceText text, string? rootNamespace, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        LocationInfo At(TextSpan span) => LocationInfo.Create(path, text, span);
        void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, TextSpan span, params string[] args) =>
            diagnostics.Add(DiagnosticInfo.Create(descriptor, At(span), args));

        var orgs = new List<ParsedOrg>();
        var json = ManifestJson.Read(text);
        cancellationToken.ThrowIfCancellationRequested();
        if (json.Root is null)
        {
            Report(DiagnosticDescriptors.InvalidJson, json.ErrorSpan, json.Error ?? "unreadable");
            return new ParsedManifest(null, orgs, diagnostics);
        }

        var root = json.Root;
        if (root.Kind != ManifestValueKind.Object)
        {
            Report(DiagnosticDescriptors.WrongType, StartOf(root), "(manifest)", "an object", root.KindDescription);
            return new ParsedManifest(root, orgs, diagnostics);
        }

        var rootFields = CollectProperties(root, RootProperties, "the manifest", Report);
        var generate = true;

        if (rootFields.TryGetValue("version", out var version))
        {
            if (version.Value.Kind != ManifestValueKind.Number)
            {
                Report(DiagnosticDescriptors.WrongType, version.Value.Span, "version", "a number", version.Value.KindDescription);
                generate = false;
            }
            else if (!decimal.TryParse(version.Value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number != 1m)
            {
                Report(DiagnosticDescriptors.UnsupportedVersion, version.Value.Span, version.Value.Text ?? string.Empty);
                generate = false;
            }
        }

        if (rootFields.TryGetValue("$schema", out var schema) && schema.Value.Kind != ManifestValueKind.String)
        {
            Report(DiagnosticDescriptors.WrongType, schema.Value.Span, "$schema", "a string", schema.Value.KindDescription);
        }

        string? ns = null;
        if (rootFields.TryGetValue("namespace", out var nsProperty))
        {
            if (nsProperty.Value.Kind != ManifestValueKind.String)
            {
                Report(DiagnosticDescriptors.WrongType, nsProperty.Value.Span, "namespace", "a string", nsProperty.Value.KindDescription);
                generate = false;
            }
            else if (!IsValidNamespace(nsProperty.Value.Text!))
            {
                Report(DiagnosticDescriptors.InvalidNamespace, nsProperty.Value.Span, nsProperty.Value.Text!, string.Empty);
                generate = false;
            }
            else
            {
                ns = nsProperty.Value.Text;
            }
        }
        else if (!string.IsNullOrWhiteSpace(rootNamespace))
        {
            if (IsValidNamespace(rootNamespace!))
            {
                ns = rootNamespace;
            }
            else
            {
                Report(DiagnosticDescriptors.InvalidNamespace, new TextSpan(0, 0), rootNamespace!, " (the project's RootNamespace): set \"namespace\" in sfauth.json");
                generate = false;
            }
        }

        if (!rootFields.TryGetValue("orgs", out var orgsProperty))
        {
            Report(DiagnosticDescriptors.MissingProperty, StartOf(root), "The manifest", "orgs");
            return new ParsedManifest(root, orgs, diagnostics);
        }

        if (orgsProperty.Value.Kind != ManifestValueKind.Object)
        {
            Report(DiagnosticDescriptors.WrongType, orgsProperty.Value.Span, "orgs", "an object", orgsProperty.Value.KindDescription);
            return new ParsedManifest(root, orgs, diagnostics);
        }

        var classNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var orgProperty in orgsProperty.Value.Properties)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var before = diagnostics.Count;
            var className = ToClassName(orgProperty.Name);
            if (className is null)
            {
                Report(DiagnosticDescriptors.InvalidOrgName, orgProperty.NameSpan, orgProperty.Name);
            }
            else if (classNames.TryGetValue(className, out var firstKey))
            {
                Report(DiagnosticDescriptors.DuplicateClassName, orgProperty.NameSpan, orgProperty.Name, className, firstKey);
            }
            else
            {
                classNames.Add(className, orgProperty.Name);
            }

            var model = ParseOrg(orgProperty, className, ns, Report);
            var valid = generate && className is not null && diagnostics.Count == before && model is not null;
            orgs.Add(new ParsedOrg(orgProperty.Name, orgProperty.NameSpan, orgProperty.Value, valid ? model : null));
        }

        return new ParsedManifest(root, orgs, diagnostics);
    }

    private static OrgModel? ParseOrg(ManifestProperty org, string? className, string? ns, Action<Microsoft.CodeAnalysis.DiagnosticDescriptor, TextSpan, string[]> report)
    {
        if (org.Value.Kind != ManifestValueKind.Object)
        {
            report(DiagnosticDescriptors.WrongType, org.Value.Span, new[] { org.Name, "an object", org.Value.KindDescription });
            return null;
        }

        var owner = "org '" + org.Name + "'";
        var fields = CollectProperties(org.Value, OrgProperties, owner, report);
        var ok = true;

        string? String(string name)
        {
            if (!fields.TryGetValue(name, out var property))
            {
                return null;
            }

            if (property.Value.Kind != ManifestValueKind.String)
            {
                report(DiagnosticDescriptors.WrongType, property.Value.Span, new[] { name, "a string", property.Value.KindDescription });
                ok = false;
                return null;
            }

            return property.Value.Text;
        }

        void Invalid(string name, string reason)
        {
            report(DiagnosticDescriptors.InvalidValue, fields[name].Value.Span, new[] { name, reason });
            ok = false;
        }

        // loginUrl
        var loginUrl = String("loginUrl");
        if (!fields.ContainsKey("loginUrl"))
        {
            report(DiagnosticDescriptors.MissingProperty, org.NameSpan, new[] { "Org '" + org.Name + "'", "loginUrl" });
            ok = false;
        }
        else if (loginUrl is not null && !IsAllowedLoginUrl(loginUrl))
        {
            report(DiagnosticDescriptors.InvalidLoginUrl, fields["loginUrl"].Value.Span, new[] { loginUrl });
            ok = false;
        }

        // flow
        var flowName = String("flow");
        FlowKind? flow = null;
        if (!fields.ContainsKey("flow"))
        {
            report(DiagnosticDescriptors.MissingProperty, org.NameSpan, new[] { "Org '" + org.Name + "'", "flow" });
            ok = false;
        }
        else if (flowName is not null)
        {
            var index = Array.IndexOf(FlowNames, flowName);
            if (index < 0)
            {
                var closest = ClosestName(flowName, FlowNames);
                report(DiagnosticDescriptors.UnknownFlow, fields["flow"].Value.Span, new[] { flowName, closest is null ? string.Empty : "; did you mean '" + closest + "'?" });
                ok = false;
            }
            else
            {
                flow = (FlowKind)index;
            }
        }

        // clientAuth
        var basic = false;
        var clientAuth = String("clientAuth");
        if (clientAuth is not null)
        {
            if (clientAuth == "basic")
            {
                basic = true;
            }
            else if (clientAuth != "body")
            {
                Invalid("clientAuth", "use 'body' (Salesforce's documented form, the default) or 'basic'");
            }
        }

        // secrets and identifiers
        var secrets = new List<SecretModel>();
        foreach (var field in SecretFields)
        {
            var value = String(field);
            if (value is null)
            {
                continue;
            }

            var prefix = ReferencePrefixes.FirstOrDefault(p => value.StartsWith(p, StringComparison.Ordinal));
            if (prefix is not null)
            {
                if (value.Substring(prefix.Length).Trim().Length == 0)
                {
                    Invalid(field, "'" + prefix + "' names nothing: write '" + prefix + "NAME'");
                    continue;
                }

                secrets.Add(new SecretModel(field, SecretEmitKind.Reference, value));
            }
            else if (value.Length == 0)
            {
                Invalid(field, "it is empty: remove it or write a reference such as 'env:NAME'");
            }
            else if (field is "clientId" or "username")
            {
                secrets.Add(new SecretModel(field, SecretEmitKind.Literal, value));
            }
            else
            {
                // The literal is deliberately dropped: the runtime reads it from the manifest copied beside the app.
                secrets.Add(new SecretModel(field, SecretEmitKind.Manifest, null));
            }
        }

        if (!fields.ContainsKey("clientId"))
        {
            report(DiagnosticDescriptors.MissingProperty, org.NameSpan, new[] { "Org '" + org.Name + "'", "clientId" });
            ok = false;
        }

        if (flow is { } knownFlow)
        {
            foreach (var required in RequiredFields(knownFlow))
            {
                if (!fields.ContainsKey(required))
                {
                    report(DiagnosticDescriptors.FlowMissingField, fields["flow"].Value.Span, new[] { org.Name, flowName!, required });
                    ok = false;
                }
            }
        }

        // plain settings
        var audience = String("audience");
        var scope = String("scope");
        var redirectUri = String("redirectUri");
        if (redirectUri is not null && !Uri.TryCreate(redirectUri, UriKind.Absolute, out _))
        {
            Invalid("redirectUri", "it must be an absolute URI");
        }

        long? Duration(string name, bool allowZero)
        {
            var value = String(name);
            if (value is null)
            {
                return null;
            }

            if (!TimeSpan.TryParseExact(value, "c", CultureInfo.InvariantCulture, out var duration))
            {
                Invalid(name, "write a duration such as '02:00:00' (hours:minutes:seconds, or days.hours:minutes:seconds)");
                return null;
            }

            if (duration < TimeSpan.Zero || (!allowZero && duration == TimeSpan.Zero))
            {
                Invalid(name, allowZero ? "it must not be negative" : "it must be longer than zero");
                return null;
            }

            return duration.Ticks;
        }

        var sessionLifetime = Duration("sessionLifetime", allowZero: false);
        var renewalMargin = Duration("renewalMargin", allowZero: true);

        var apiVersion = String("apiVersion");
        if (apiVersion is not null && !IsApiVersion(apiVersion))
        {
            Invalid("apiVersion", "write a version such as '62.0'");
        }

        bool? verifySignature = null;
        if (fields.TryGetValue("verifySignature", out var verify))
        {
            if (verify.Value.Kind is ManifestValueKind.True or ManifestValueKind.False)
            {
                verifySignature = verify.Value.Kind == ManifestValueKind.True;
            }
            else
            {
                report(DiagnosticDescriptors.WrongType, verify.Value.Span, new[] { "verifySignature", "true or false", verify.Value.KindDescription });
                ok = false;
            }
        }

        if (!ok || className is null || loginUrl is null || flow is null)
        {
            return null;
        }

        return new OrgModel(
            org.Name,
            className,
            ns,
            loginUrl,
            flow.Value,
            flowName!,
            basic,
            secrets.ToEquatableArray(),
            audience,
            redirectUri,
            scope,
            sessionLifetime,
            renewalMargin,
            apiVersion,
            verifySignature);
    }

    public static IEnumerable<string> RequiredFields(FlowKind flow) => flow switch
    {
        FlowKind.Password => new[] { "username", "password" },
        FlowKind.RefreshToken => new[] { "refreshToken" },
        FlowKind.JwtBearer => new[] { "username", "privateKey" },
        FlowKind.ClientCredentials => new[] { "clientSecret" },
        _ => new[] { "redirectUri" },
    };

    /// <summary>An absolute https URL, or http on a loopback host (the recorded-response server).</summary>
    public static bool IsAllowedLoginUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback))
        && uri.Host.Length > 0;

    private static bool IsApiVersion(string value)
    {
        var dot = value.IndexOf('.');
        return dot > 0 && dot < value.Length - 1 && value.Length <= 10
            && value.Take(dot).All(c => c is >= '0' and <= '9')
            && value.Skip(dot + 1).All(c => c is >= '0' and <= '9');
    }

    /// <summary>Indexes an object's properties, reporting unknown names (with the closest known one) and duplicates.</summary>
    private static Dictionary<string, ManifestProperty> CollectProperties(
        ManifestValue value, string[] known, string owner, Action<Microsoft.CodeAnalysis.DiagnosticDescriptor, TextSpan, string[]> report)
    {
        var result = new Dictionary<string, ManifestProperty>(StringComparer.Ordinal);
        foreach (var property in value.Properties)
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                var closest = ClosestName(property.Name, known);
                report(DiagnosticDescriptors.UnknownProperty, property.NameSpan, new[] { property.Name, owner, closest is null ? string.Empty : "; did you mean '" + closest + "'?" });
            }
            else if (result.ContainsKey(property.Name))
            {
                report(DiagnosticDescriptors.DuplicateProperty, property.NameSpan, new[] { property.Name, owner });
            }
            else
            {
                result.Add(property.Name, property);
            }
        }

        return result;
    }

    private static TextSpan StartOf(ManifestValue value) => new(value.Span.Start, Math.Min(1, value.Span.Length));

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
