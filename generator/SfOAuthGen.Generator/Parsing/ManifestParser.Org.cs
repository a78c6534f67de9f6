using System;
using System.Collections.Generic;
using SfOAuthGen.Generator.Diagnostics;
using SfOAuthGen.Generator.Model;
using SfOAuthGen.Vocabulary;

namespace SfOAuthGen.Generator.Parsing;

// One org of the manifest: a method per concern, each reporting what is wrong with its own fields. An org generates
// only when none of them reported anything (ParseOrgs compares the diagnostic count).
internal sealed partial class ManifestParser
{
    private OrgModel? ParseOrg(ManifestProperty org, string? className, string? ns)
    {
        if (org.Value.Kind != ManifestValueKind.Object)
        {
            Report(DiagnosticDescriptors.WrongType, org.Value.Span, org.Name, "an object", org.Value.KindDescription);
            return null;
        }

        var fields = CollectProperties(org.Value, ManifestVocabulary.OrgProperties, "org '" + org.Name + "'");
        RequireFields(org, fields);
        var loginUrl = ParseLoginUrl(fields);
        var flow = ParseFlow(fields);
        var basicClientAuthentication = ParseClientAuth(fields);
        var secrets = ParseSecrets(fields);
        var template = ParseBoolean(fields, ManifestVocabulary.Template) == true;
        RequireFlowFields(org, fields, flow, template);
        var audience = ReadString(fields, ManifestVocabulary.Audience);
        var scope = ReadString(fields, ManifestVocabulary.Scope);
        var redirectUri = ParseRedirectUri(fields);
        var sessionLifetime = ParseDuration(fields, ManifestVocabulary.SessionLifetime);
        var renewalMargin = ParseDuration(fields, ManifestVocabulary.RenewalMargin);
        var apiVersion = ParseApiVersion(fields);
        var verifySignature = ParseBoolean(fields, ManifestVocabulary.VerifySignature);
        if (className is null || loginUrl is null || flow is null)
        {
            return null;
        }

        return new OrgModel(
            org.Name, className, ns, loginUrl, flow.Name, flow.Member, basicClientAuthentication, secrets.ToEquatableArray(),
            audience, redirectUri, scope, sessionLifetime, renewalMargin, apiVersion, verifySignature, template);
    }

    /// <summary>What every org needs, whatever its flow (SFAUTH102 at the org's name).</summary>
    private void RequireFields(ManifestProperty org, Dictionary<string, ManifestProperty> fields)
    {
        foreach (var required in ManifestVocabulary.OrgRequiredFields)
        {
            if (!fields.ContainsKey(required))
            {
                Report(DiagnosticDescriptors.MissingProperty, org.NameSpan, "Org '" + org.Name + "'", required);
            }
        }
    }

    /// <summary>
    /// What the org's flow needs besides (SFAUTH107 at the <c>flow</c> value, where the choice was made). A template org
    /// leaves the tenant fields to each tenant, and may not name a refresh token (every tenant would share it).
    /// </summary>
    private void RequireFlowFields(ManifestProperty org, Dictionary<string, ManifestProperty> fields, ManifestFlow? flow, bool template)
    {
        if (template && fields.ContainsKey(ManifestVocabulary.RefreshToken))
        {
            ReportInvalid(fields, ManifestVocabulary.RefreshToken, "a template org's refresh token belongs to each tenant (SalesforceTenantSettings.Create, or the token store after connecting): remove it");
        }

        if (flow is null)
        {
            return;
        }

        foreach (var required in flow.RequiredFields)
        {
            if (template && Array.IndexOf(ManifestVocabulary.TenantFields, required) >= 0)
            {
                continue;
            }

            if (!fields.ContainsKey(required))
            {
                Report(DiagnosticDescriptors.FlowMissingField, fields[ManifestVocabulary.Flow].Value.Span, org.Name, flow.Name, required);
            }
        }
    }

    private string? ParseLoginUrl(Dictionary<string, ManifestProperty> fields)
    {
        var loginUrl = ReadString(fields, ManifestVocabulary.LoginUrl);
        if (loginUrl is not null && !ManifestRules.IsAllowedLoginUrl(loginUrl))
        {
            Report(DiagnosticDescriptors.InvalidLoginUrl, fields[ManifestVocabulary.LoginUrl].Value.Span, loginUrl);
            return null;
        }

        return loginUrl;
    }

    private ManifestFlow? ParseFlow(Dictionary<string, ManifestProperty> fields)
    {
        if (ReadString(fields, ManifestVocabulary.Flow) is not { } name)
        {
            return null;
        }

        var flow = ManifestVocabulary.FindFlow(name);
        if (flow is null)
        {
            Report(DiagnosticDescriptors.UnknownFlow, fields[ManifestVocabulary.Flow].Value.Span, name, ManifestNames.DidYouMean(name, ManifestVocabulary.FlowNames()));
        }

        return flow;
    }

    /// <summary>True for HTTP Basic client authentication; the default, <c>body</c>, is Salesforce's documented form.</summary>
    private bool ParseClientAuth(Dictionary<string, ManifestProperty> fields)
    {
        var clientAuth = ReadString(fields, ManifestVocabulary.ClientAuth);
        if (clientAuth is not null && Array.IndexOf(ManifestVocabulary.ClientAuthValues, clientAuth) < 0)
        {
            ReportInvalid(fields, ManifestVocabulary.ClientAuth, "use 'body' (Salesforce's documented form, the default) or 'basic'");
        }

        return clientAuth == "basic";
    }

    /// <summary>The reference-taking fields, in the order generated code sets them.</summary>
    private List<SecretModel> ParseSecrets(Dictionary<string, ManifestProperty> fields)
    {
        var secrets = new List<SecretModel>();
        foreach (var field in ManifestVocabulary.ReferenceFields)
        {
            if (ReadString(fields, field) is { } value && ParseSecret(fields, field, value) is { } secret)
            {
                secrets.Add(secret);
            }
        }

        return secrets;
    }

    private SecretModel? ParseSecret(Dictionary<string, ManifestProperty> fields, string field, string value)
    {
        if (ManifestVocabulary.ReferencePrefixOf(value) is { } prefix)
        {
            if (value.Substring(prefix.Length).Trim().Length == 0)
            {
                ReportInvalid(fields, field, "'" + prefix + "' names nothing: write '" + prefix + "NAME'");
                return null;
            }

            return new SecretModel(field, SecretEmitKind.Reference, value);
        }

        if (value.Length == 0)
        {
            ReportInvalid(fields, field, "it is empty: remove it or write a reference such as 'env:NAME'");
            return null;
        }

        // A literal secret is deliberately dropped: the runtime reads it from the manifest copied beside the app.
        return ManifestVocabulary.IsSecret(field)
            ? new SecretModel(field, SecretEmitKind.Manifest, null)
            : new SecretModel(field, SecretEmitKind.Literal, value);
    }

    private string? ParseRedirectUri(Dictionary<string, ManifestProperty> fields)
    {
        var redirectUri = ReadString(fields, ManifestVocabulary.RedirectUri);
        if (redirectUri is not null && !Uri.TryCreate(redirectUri, UriKind.Absolute, out _))
        {
            ReportInvalid(fields, ManifestVocabulary.RedirectUri, "it must be an absolute URI");
        }

        return redirectUri;
    }

    /// <summary>A duration field as ticks (the model holds plain data), or null when absent or invalid.</summary>
    private long? ParseDuration(Dictionary<string, ManifestProperty> fields, string field)
    {
        if (ReadString(fields, field) is not { } text)
        {
            return null;
        }

        if (ManifestRules.TryParseDuration(text, ManifestRules.DurationAllowsZero(field), out var duration) is { } problem)
        {
            ReportInvalid(fields, field, problem);
            return null;
        }

        return duration.Ticks;
    }

    private string? ParseApiVersion(Dictionary<string, ManifestProperty> fields)
    {
        var apiVersion = ReadString(fields, ManifestVocabulary.ApiVersion);
        if (apiVersion is not null && !ManifestRules.IsApiVersion(apiVersion))
        {
            ReportInvalid(fields, ManifestVocabulary.ApiVersion, "write a version such as " + ManifestRules.ApiVersionExample);
        }

        return apiVersion;
    }

    /// <summary>A true/false field, or null when absent or not a boolean (reported as SFAUTH104).</summary>
    private bool? ParseBoolean(Dictionary<string, ManifestProperty> fields, string name)
    {
        if (!fields.TryGetValue(name, out var property))
        {
            return null;
        }

        if (property.Value.Kind is not (ManifestValueKind.True or ManifestValueKind.False))
        {
            Report(DiagnosticDescriptors.WrongType, property.Value.Span, name, "true or false", property.Value.KindDescription);
            return null;
        }

        return property.Value.Kind == ManifestValueKind.True;
    }

    /// <summary>A string field's text; null when absent, or when not a string (reported as SFAUTH104).</summary>
    private string? ReadString(Dictionary<string, ManifestProperty> fields, string name)
    {
        if (!fields.TryGetValue(name, out var property))
        {
            return null;
        }

        if (property.Value.Kind != ManifestValueKind.String)
        {
            Report(DiagnosticDescriptors.WrongType, property.Value.Span, name, "a string", property.Value.KindDescription);
            return null;
        }

        return property.Value.Text;
    }

    private void ReportInvalid(Dictionary<string, ManifestProperty> fields, string name, string reason) =>
        Report(DiagnosticDescriptors.InvalidValue, fields[name].Value.Span, name, reason);
}
