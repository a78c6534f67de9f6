using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Scriban;
using Scriban.Runtime;
using SfOAuthGen.Generator.Model;

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

    private static readonly string Version =
        typeof(OrgEmitter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    public static string Render(OrgModel org)
    {
        var model = new ScriptObject
        {
            ["namespace"] = org.Namespace ?? string.Empty,
            ["class_name"] = org.ClassName,
            ["version_literal"] = Literal(Version),
            ["doc_org"] = Doc(org.Key),
            ["doc_flow"] = Doc(org.FlowName),
            ["doc_login_url"] = Doc(org.LoginUrl),
            ["settings"] = Settings(org),
        };

        return RenderTemplate(OrgTemplate.Value, model);
    }

    /// <summary>Renders the <c>AddSalesforceOrgs</c> extension for the orgs of one namespace.</summary>
    public static string RenderRegistrations(RegistrationModel registration)
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
            ["version_literal"] = Literal(Version),
            ["classes"] = classes,
        };

        return RenderTemplate(RegistrationsTemplate.Value, model);
    }

    /// <summary>Unique per namespace, and never equal to an org's hint name (class names hold no '.').</summary>
    public static string RegistrationsHintName(RegistrationModel registration) =>
        (registration.Namespace is null ? string.Empty : registration.Namespace + ".") + RegistrationsClassName + ".g.cs";

    private static string RenderTemplate(Template template, ScriptObject model) => TemplateRenderer.Render(template, model);

    /// <summary>
    /// The values of the org's settings initializer, typed: manifest strings as C# literals (escaped here, so the template
    /// cannot forget to), <c>SalesforceFlow</c> member names from the vocabulary, numbers, bools, and each secret as its
    /// kind and parts. Optional fields are null when absent. The template writes the C# around them.
    /// </summary>
    private static ScriptObject Settings(OrgModel org)
    {
        var secrets = new ScriptArray();
        foreach (var secret in org.Secrets)
        {
            secrets.Add(new ScriptObject
            {
                ["property"] = char.ToUpperInvariant(secret.Field[0]) + secret.Field.Substring(1), // a vocabulary field name
                ["kind"] = secret.Kind switch
                {
                    SecretEmitKind.Reference => "reference",
                    SecretEmitKind.Literal => "literal",
                    SecretEmitKind.Manifest => "manifest",
                    _ => throw new InvalidOperationException("Unknown secret kind " + secret.Kind),
                },
                ["value_literal"] = OptionalLiteral(secret.Value),
                ["field_literal"] = Literal(secret.Field),
            });
        }

        return new ScriptObject
        {
            ["name_literal"] = Literal(org.Key),
            ["login_url_literal"] = Literal(org.LoginUrl),
            ["flow_member"] = org.FlowMember,
            ["basic_client_authentication"] = org.BasicClientAuthentication,
            ["secrets"] = secrets,
            ["audience_literal"] = OptionalLiteral(org.Audience),
            ["redirect_uri_literal"] = OptionalLiteral(org.RedirectUri),
            ["scope_literal"] = OptionalLiteral(org.Scope),
            ["session_lifetime_ticks"] = org.SessionLifetimeTicks,
            ["renewal_margin_ticks"] = org.RenewalMarginTicks,
            ["api_version_literal"] = OptionalLiteral(org.ApiVersion),
            ["verify_signature"] = org.VerifySignature,
        };
    }

    private static string? OptionalLiteral(string? value) => value is null ? null : Literal(value);

    private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>Text safe inside a one-line XML doc comment: markup escaped, line breaks and other controls removed.</summary>
    private static string Doc(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '&': text.Append("&amp;"); break;
                case '<': text.Append("&lt;"); break;
                case '>': text.Append("&gt;"); break;
                default:
                    var category = CharUnicodeInfo.GetUnicodeCategory(ch);
                    var unsafeChar = char.IsControl(ch) || category is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                        or UnicodeCategory.Surrogate;
                    text.Append(unsafeChar ? ' ' : ch);
                    break;
            }
        }

        return text.ToString();
    }

    private static Template LoadTemplate(string name)
    {
        var assembly = typeof(OrgEmitter).Assembly;
        using var stream = assembly.GetManifestResourceStream("SfOAuthGen.Generator.Templates." + name)
            ?? throw new InvalidOperationException("Missing embedded template " + name);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var template = Template.Parse(reader.ReadToEnd(), name);
        if (template.HasErrors)
        {
            throw new InvalidOperationException("Template " + name + ": " + string.Join("; ", template.Messages.Select(m => m.ToString())));
        }

        return template;
    }
}
