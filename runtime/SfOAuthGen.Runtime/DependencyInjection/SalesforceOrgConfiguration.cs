using Microsoft.Extensions.Configuration;
using SfOAuthGen.Vocabulary;
using V = SfOAuthGen.Vocabulary.ManifestVocabulary;

namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>
/// Applies <c>Salesforce:Orgs:&lt;Org&gt;</c> to an org's options. Written out rather than bound by reflection so that
/// every bad value gets an error naming its key, an unknown key is reported (a typo would otherwise be ignored), and a
/// secret value is never echoed. The keys are the manifest's fields in PascalCase (the shared vocabulary), plus the
/// settings only configuration has.
/// </summary>
internal static class SalesforceOrgConfiguration
{
    private const string ClientAuthentication = "ClientAuthentication";
    private const string RequestTimeout = "RequestTimeout";
    private const string FailureBackoff = "FailureBackoff";

    private static readonly string[] Keys =
        [.. V.OrgProperties.Where(p => p != V.Template).Select(V.ConfigurationKey), ClientAuthentication, RequestTimeout, FailureBackoff]; // a template is a manifest notion

    public static void Apply(SalesforceOrgOptions options, string org, IConfiguration configuration)
    {
        var section = new OrgSection(org, configuration.GetSection(SalesforceOrgOptions.ConfigurationSection(org)));
        var settings = options.Settings ?? throw new InvalidOperationException($"Salesforce org '{org}' has no settings.");
        section.CheckKeys(Keys);
        settings = ApplyConnection(settings, section);
        settings = ApplySecrets(settings, section);
        settings = ApplySession(settings, section);
        if (section.Value(RequestTimeout) is { } timeout)
        {
            options.RequestTimeout = section.Duration(RequestTimeout, timeout, allowZero: false);
        }

        if (section.Value(FailureBackoff) is { } backoff)
        {
            options.FailureBackoff = section.Duration(FailureBackoff, backoff, allowZero: true);
        }

        options.Settings = settings;
    }

    /// <summary>Where and how the org logs in: login URL, flow, client authentication, audience, scope, redirect URI.</summary>
    private static SalesforceOrgSettings ApplyConnection(SalesforceOrgSettings settings, OrgSection section)
    {
        if (section.Field(V.LoginUrl) is { } loginUrl)
        {
            settings = settings with { LoginUrl = section.AbsoluteUri(V.ConfigurationKey(V.LoginUrl), loginUrl) };
        }

        if (section.Field(V.Flow) is { } flow)
        {
            var known = V.FindFlowAnySpelling(flow)
                ?? throw section.Invalid("Flow", flow, string.Join(", ", V.FlowNames()));
            settings = settings with { Flow = SalesforceFlowNames.ToSalesforceFlow(known) };
        }

        if ((section.Value(ClientAuthentication) ?? section.Field(V.ClientAuth)) is { } clientAuth)
        {
            settings = settings with
            {
                ClientAuthentication = clientAuth.ToUpperInvariant() switch
                {
                    "BODY" => Runtime.ClientAuthentication.Body,
                    "BASIC" => Runtime.ClientAuthentication.Basic,
                    _ => throw section.Invalid(ClientAuthentication, clientAuth, string.Join(" or ", V.ClientAuthValues)),
                },
            };
        }

        if (section.Field(V.RedirectUri) is { } redirect)
        {
            settings = settings with { RedirectUri = section.AbsoluteUri(V.ConfigurationKey(V.RedirectUri), redirect) };
        }

        return settings with
        {
            Audience = section.Field(V.Audience) ?? settings.Audience,
            Scope = section.Field(V.Scope) ?? settings.Scope,
        };
    }

    private static SalesforceOrgSettings ApplySecrets(SalesforceOrgSettings settings, OrgSection section) => settings with
    {
        ClientId = section.Secret(V.ClientId) ?? settings.ClientId,
        ClientSecret = section.Secret(V.ClientSecret) ?? settings.ClientSecret,
        Username = section.Secret(V.Username) ?? settings.Username,
        Password = section.Secret(V.Password) ?? settings.Password,
        SecurityToken = section.Secret(V.SecurityToken) ?? settings.SecurityToken,
        RefreshToken = section.Secret(V.RefreshToken) ?? settings.RefreshToken,
        PrivateKey = section.Secret(V.PrivateKey) ?? settings.PrivateKey,
    };

    /// <summary>The session's timing and checks: lifetime, renewal margin, API version, signature verification.</summary>
    private static SalesforceOrgSettings ApplySession(SalesforceOrgSettings settings, OrgSection section)
    {
        foreach (var field in new[] { V.SessionLifetime, V.RenewalMargin })
        {
            if (section.Field(field) is { } text)
            {
                var duration = section.Duration(V.ConfigurationKey(field), text, ManifestRules.DurationAllowsZero(field));
                settings = field == V.SessionLifetime ? settings with { SessionLifetime = duration } : settings with { RenewalMargin = duration };
            }
        }

        if (section.Field(V.ApiVersion) is { } apiVersion)
        {
            settings = ManifestRules.IsApiVersion(apiVersion)
                ? settings with { ApiVersion = apiVersion }
                : throw section.Invalid(V.ConfigurationKey(V.ApiVersion), apiVersion, "a version such as 62.0");
        }

        if (section.Field(V.VerifySignature) is { } verify)
        {
            settings = settings with
            {
                VerifySignature = bool.TryParse(verify, out var parsed) ? parsed : throw section.Invalid(V.ConfigurationKey(V.VerifySignature), verify, "true or false"),
            };
        }

        return settings;
    }

    /// <summary>One org's configuration section, and the errors that name its keys.</summary>
    private sealed class OrgSection(string org, IConfigurationSection section)
    {
        public void CheckKeys(string[] keys)
        {
            foreach (var child in section.GetChildren())
            {
                if (!keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    throw new SalesforceConfigurationException(
                        org, child.Key,
                        $"Salesforce org '{org}': '{child.Path}' is not a setting. Known keys: {string.Join(", ", keys)}.");
                }

                if (child.Value is null && child.GetChildren().Any())
                {
                    throw new SalesforceConfigurationException(org, child.Key, $"Salesforce org '{org}': '{child.Path}' must be a single value, not a section.");
                }
            }
        }

        public string? Value(string key) => section[key] is { Length: > 0 } value ? value : null;

        /// <summary>The value of a manifest field, under its PascalCase key.</summary>
        public string? Field(string field) => Value(V.ConfigurationKey(field));

        public SecretReference? Secret(string field)
        {
            var key = V.ConfigurationKey(field);
            if (Value(key) is not { } value)
            {
                return null;
            }

            try
            {
                // A literal is legitimate here: user secrets and vault providers put the value itself into configuration.
                return SecretReference.Parse(value);
            }
            catch (ArgumentException)
            {
                // The value is a bare prefix such as "env:"; say so without repeating anything that might be a secret.
                throw new SalesforceConfigurationException(
                    org, key, $"Salesforce org '{org}': '{section.Path}:{key}' is a secret reference that names nothing; write env:NAME, config:Section:Key or file:path.");
            }
        }

        public Uri AbsoluteUri(string key, string value) =>
            Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw Invalid(key, value, "an absolute URL such as https://test.salesforce.com");

        public TimeSpan Duration(string key, string value, bool allowZero) =>
            ManifestRules.TryParseDuration(value, allowZero, out var duration) is null
                ? duration
                : throw Invalid(key, value, allowZero ? "a duration such as 00:00:05 (zero allowed)" : "a positive duration such as 02:00:00");

        // Only ever called for non-secret keys, so the value may be shown.
        public SalesforceConfigurationException Invalid(string key, string value, string expected) =>
            new(org, key, $"Salesforce org '{org}': '{section.Path}:{key}' is '{value}', which is not valid; expected {expected}.");
    }
}
