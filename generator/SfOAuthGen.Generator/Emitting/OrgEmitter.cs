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
/// Renders one org's class from the <c>Org.sbntxt</c> template. Every manifest string reaches the template already
/// escaped (a C# literal, or XML-doc text), so the template only places text.
/// </summary>
internal static class OrgEmitter
{
    private const string Runtime = "global::SfOAuthGen.Runtime.";

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
            ["assignments"] = Assignments(org),
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

    private static string RenderTemplate(Template template, ScriptObject model)
    {
        var context = new TemplateContext
        {
            StrictVariables = true,
            LoopLimit = 0,
            MemberRenamer = member => member.Name,
        };
        context.PushCulture(CultureInfo.InvariantCulture);
        context.PushGlobal(model);
        var text = template.Render(context);
        return text.Replace("\r\n", "\n");
    }

    private static ScriptArray Assignments(OrgModel org)
    {
        var list = new ScriptArray();
        void Add(string name, string value) => list.Add(new ScriptObject { ["name"] = name, ["value"] = value });

        Add("Name", Literal(org.Key));
        Add("LoginUrl", "new global::System.Uri(" + Literal(org.LoginUrl) + ")");
        Add("Flow", Runtime + "SalesforceFlow." + org.FlowMember);
        Add("ClientAuthentication", Runtime + "ClientAuthentication." + (org.BasicClientAuthentication ? "Basic" : "Body"));
        foreach (var secret in org.Secrets)
        {
            var property = char.ToUpperInvariant(secret.Field[0]) + secret.Field.Substring(1);
            Add(property, Runtime + "SecretReference." + secret.Kind switch
            {
                SecretEmitKind.Reference => "Parse(" + Literal(secret.Value!) + ")",
                SecretEmitKind.Literal => "Literal(" + Literal(secret.Value!) + ")",
                _ => "Manifest(" + Literal(org.Key) + ", " + Literal(secret.Field) + ")",
            });
        }

        if (org.Audience is not null)
        {
            Add("Audience", Literal(org.Audience));
        }

        if (org.RedirectUri is not null)
        {
            Add("RedirectUri", "new global::System.Uri(" + Literal(org.RedirectUri) + ")");
        }

        if (org.Scope is not null)
        {
            Add("Scope", Literal(org.Scope));
        }

        if (org.SessionLifetimeTicks is { } lifetime)
        {
            Add("SessionLifetime", "global::System.TimeSpan.FromTicks(" + lifetime.ToString(CultureInfo.InvariantCulture) + "L)");
        }

        if (org.RenewalMarginTicks is { } margin)
        {
            Add("RenewalMargin", "global::System.TimeSpan.FromTicks(" + margin.ToString(CultureInfo.InvariantCulture) + "L)");
        }

        if (org.ApiVersion is not null)
        {
            Add("ApiVersion", Literal(org.ApiVersion));
        }

        if (org.VerifySignature is { } verify)
        {
            Add("VerifySignature", verify ? "true" : "false");
        }

        return list;
    }

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
