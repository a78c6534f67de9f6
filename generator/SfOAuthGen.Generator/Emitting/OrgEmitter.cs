using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Scriban;
using Scriban.Runtime;
using SfOAuthGen.Generator.Model;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Generator;

/// <summary>
/// Renders one org's class from the <c>Org.sbntxt</c> template. The template gets typed values and writes the C#; every
/// manifest string among them is already escaped (a C# literal, or XML-doc text), so the template never escapes.
/// </summary>
internal static class OrgEmitter
{
    // Parsed once per load of the generator; Template is safe to render from several threads.
    private static readonly Lazy<Template> OrgTemplate = new(() => LoadTemplate("Org.sbntxt"));
    private static readonly Lazy<Template> RegistrationsTemplate = new(() => LoadTemplate("Registrations.sbntxt"));

    /// <summary>The class that registers every org of a namespace with a service collection.</summary>
    public const string RegistrationsClassName = "SalesforceOrgsServiceCollectionExtensions";

    private static readonly string VersionLiteral =
        Literal(typeof(OrgEmitter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0");

    // The secret fields are the vocabulary's few names: their property names and literals are made once, not per org.
    private static readonly Dictionary<string, (string Property, string Literal)> SecretFieldNames =
        ManifestVocabulary.ReferenceFields.ToDictionary(field => field, field => (PropertyName(field), Literal(field)), StringComparer.Ordinal);

    public static SourceText Render(OrgModel org)
    {
        var values = OrgTemplateValues.Take();
        try
        {
            var model = values.Root;
            model["namespace"] = org.Namespace ?? string.Empty;
            model["class_name"] = org.ClassName;
            model["version_literal"] = VersionLiteral;
            model["doc_org"] = Doc(org.Key);
            model["doc_flow"] = Doc(org.FlowName);
            model["doc_login_url"] = Doc(org.LoginUrl);
            model["settings"] = Settings(org, values);
            model["is_template"] = org.IsTemplate;
            return RenderTemplate(OrgTemplate.Value, model);
        }
        finally
        {
            values.Return();
        }
    }

    /// <summary>Renders the <c>AddSalesforceOrgs</c> extension for the orgs of one namespace.</summary>
    public static SourceText RenderRegistrations(RegistrationModel registration)
    {
        var prefix = registration.Namespace is null ? "global::" : "global::" + registration.Namespace + ".";
        var classes = new ScriptArray();
        foreach (var className in registration.ClassNames)
        {
            classes.Add(new ScriptObject { ["name"] = className, ["qualified"] = prefix + className });
        }

        var model = new ScriptObject
        {
            ["namespace"] = registration.Namespace ?? string.Empty,
            ["class_name"] = RegistrationsClassName,
            ["version_literal"] = VersionLiteral,
            ["classes"] = classes,
        };

        return RenderTemplate(RegistrationsTemplate.Value, model);
    }

    /// <summary>Unique per namespace, and never equal to an org's hint name (class names hold no '.').</summary>
    public static string RegistrationsHintName(RegistrationModel registration) =>
        (registration.Namespace is null ? string.Empty : registration.Namespace + ".") + RegistrationsClassName + ".g.cs";

    private static SourceText RenderTemplate(Template template, ScriptObject model) => TemplateRenderer.Render(template, model);

    /// <summary>
    /// The values of the org's settings initializer, typed: manifest strings as C# literals (escaped here, so the template
    /// cannot forget to), <c>SalesforceFlow</c> member names from the vocabulary, numbers, bools, and each secret as its
    /// kind and parts. Optional fields are null when absent. The template writes the C# around them.
    /// </summary>
    private static ScriptObject Settings(OrgModel org, OrgTemplateValues values)
    {
        foreach (var secret in org.Secrets)
        {
            if (!SecretFieldNames.TryGetValue(secret.Field, out var names))
            {
                names = (PropertyName(secret.Field), Literal(secret.Field));
            }

            var item = values.AddSecret();
            item["property"] = names.Property;
            item["kind"] = secret.Kind switch
            {
                SecretEmitKind.Reference => "reference",
                SecretEmitKind.Literal => "literal",
                SecretEmitKind.Manifest => "manifest",
                _ => throw new InvalidOperationException("Unknown secret kind " + secret.Kind),
            };
            item["value_literal"] = OptionalLiteral(secret.Value);
            item["field_literal"] = names.Literal;
        }

        var settings = values.Settings;
        settings["name_literal"] = Literal(org.Key);
        settings["login_url_literal"] = Literal(org.LoginUrl);
        settings["flow_member"] = org.FlowMember;
        settings["basic_client_authentication"] = org.BasicClientAuthentication;
        settings["secrets"] = values.Secrets;
        settings["audience_literal"] = OptionalLiteral(org.Audience);
        settings["redirect_uri_literal"] = OptionalLiteral(org.RedirectUri);
        settings["scope_literal"] = OptionalLiteral(org.Scope);
        settings["session_lifetime_ticks"] = org.SessionLifetimeTicks;
        settings["renewal_margin_ticks"] = org.RenewalMarginTicks;
        settings["api_version_literal"] = OptionalLiteral(org.ApiVersion);
        settings["verify_signature"] = org.VerifySignature;
        return settings;
    }

    /// <summary>The settings property a vocabulary field sets: <c>clientId</c> is <c>ClientId</c>.</summary>
    private static string PropertyName(string field) => char.ToUpperInvariant(field[0]) + field.Substring(1);

    private static string? OptionalLiteral(string? value) => value is null ? null : Literal(value);

    private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>Text safe inside a one-line XML doc comment: markup escaped, line breaks and other controls removed.</summary>
    private static string Doc(string value)
    {
        // Most values (org keys, flow names, URLs) need nothing: return them as they are instead of copying.
        var first = 0;
        while (first < value.Length && !NeedsDocRewrite(value[first]))
        {
            first++;
        }

        if (first == value.Length)
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 8).Append(value, 0, first);
        for (var i = first; i < value.Length; i++)
        {
            var ch = value[i];
            switch (ch)
            {
                case '&': text.Append("&amp;"); break;
                case '<': text.Append("&lt;"); break;
                case '>': text.Append("&gt;"); break;
                default: text.Append(NeedsDocRewrite(ch) ? ' ' : ch); break;
            }
        }

        return text.ToString();
    }

    private static bool NeedsDocRewrite(char ch)
    {
        if (ch is '&' or '<' or '>' || char.IsControl(ch))
        {
            return true;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(ch);
        return category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
    }

    private static Template LoadTemplate(string name)
    {
        var assembly = typeof(OrgEmitter).Assembly;
        using var stream = assembly.GetManifestResourceStream("SfOAuthGen.Generator.Templates." + name)
            ?? throw new InvalidOperationException("Missing embedded template " + name);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // \n line ends whatever the checkout did to the file, so no generated file needs rewriting afterwards.
        var template = Template.Parse(reader.ReadToEnd().Replace("\r\n", "\n"), name);
        if (template.HasErrors)
        {
            throw new InvalidOperationException("Template " + name + ": " + string.Join("; ", template.Messages.Select(m => m.ToString())));
        }

        return template;
    }
}
