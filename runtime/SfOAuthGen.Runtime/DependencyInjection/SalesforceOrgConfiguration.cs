using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>
/// Applies <c>Salesforce:Orgs:&lt;Org&gt;</c> to an org's options. Written out rather than bound by reflection so that
/// every bad value gets an error naming its key, an unknown key is reported (a typo would otherwise be ignored), and a
/// secret value is never echoed.
/// </summary>
internal static class SalesforceOrgConfiguration
{
    private static readonly string[] Keys =
    [
        "LoginUrl", "Flow", "ClientAuthentication", "ClientAuth", "ClientId", "ClientSecret", "Username", "Password", "SecurityToken",
        "RefreshToken", "PrivateKey", "Audience", "RedirectUri", "Scope", "SessionLifetime", "RenewalMargin", "ApiVersion",
        "VerifySignature", "RequestTimeout", "FailureBackoff",
    ];

    public static void Apply(SalesforceOrgOptions options, string org, IConfiguration configuration)
    {
        var section = configuration.GetSection(SalesforceOrgOptions.ConfigurationSection(org));
        var settings = options.Settings ?? throw new InvalidOperationException($"Salesforce org '{org}' has no settings.");
        foreach (var child in section.GetChildren())
        {
            if (!Keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new SalesforceConfigurationException(
                    org, child.Key,
                    $"Salesforce org '{org}': '{child.Path}' is not a setting. Known keys: {string.Join(", ", Keys)}.");
            }

            if (child.Value is null && child.GetChildren().Any())
            {
                throw new SalesforceConfigurationException(org, child.Key, $"Salesforce org '{org}': '{child.Path}' must be a single value, not a section.");
            }
        }

        string? Value(string key) => section[key] is { Length: > 0 } value ? value : null;

        if (Value("LoginUrl") is { } loginUrl)
        {
            settings = settings with { LoginUrl = AbsoluteUri(org, section, "LoginUrl", loginUrl) };
        }

        if (Value("Flow") is { } flow)
        {
            settings = settings with { Flow = ParseFlow(org, section, flow) };
        }

        if ((Value("ClientAuthentication") ?? Value("ClientAuth")) is { } clientAuth)
        {
            settings = settings with
            {
                ClientAuthentication = clientAuth.ToUpperInvariant() switch
                {
                    "BODY" => ClientAuthentication.Body,
                    "BASIC" => ClientAuthentication.Basic,
                    _ => throw Invalid(org, section, "ClientAuthentication", clientAuth, "body or basic"),
                },
            };
        }

        settings = settings with
        {
            ClientId = Secret(org, section, "ClientId") ?? settings.ClientId,
            ClientSecret = Secret(org, section, "ClientSecret") ?? settings.ClientSecret,
            Username = Secret(org, section, "Username") ?? settings.Username,
            Password = Secret(org, section, "Password") ?? settings.Password,
            SecurityToken = Secret(org, section, "SecurityToken") ?? settings.SecurityToken,
            RefreshToken = Secret(org, section, "RefreshToken") ?? settings.RefreshToken,
            PrivateKey = Secret(org, section, "PrivateKey") ?? settings.PrivateKey,
            Audience = Value("Audience") ?? settings.Audience,
            Scope = Value("Scope") ?? settings.Scope,
        };

        if (Value("RedirectUri") is { } redirect)
        {
            settings = settings with { RedirectUri = AbsoluteUri(org, section, "RedirectUri", redirect) };
        }

        if (Value("SessionLifetime") is { } lifetime)
        {
            settings = settings with { SessionLifetime = Duration(org, section, "SessionLifetime", lifetime) };
        }

        if (Value("RenewalMargin") is { } margin)
        {
            settings = settings with { RenewalMargin = Duration(org, section, "RenewalMargin", margin, allowZero: true) };
        }

        if (Value("ApiVersion") is { } apiVersion)
        {
            if (!decimal.TryParse(apiVersion, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _) || !apiVersion.Contains('.', StringComparison.Ordinal))
            {
                throw Invalid(org, section, "ApiVersion", apiVersion, "a version such as 62.0");
            }

            settings = settings with { ApiVersion = apiVersion };
        }

        if (Value("VerifySignature") is { } verify)
        {
            settings = settings with
            {
                VerifySignature = bool.TryParse(verify, out var parsed) ? parsed : throw Invalid(org, section, "VerifySignature", verify, "true or false"),
            };
        }

        if (Value("RequestTimeout") is { } timeout)
        {
            options.RequestTimeout = Duration(org, section, "RequestTimeout", timeout);
        }

        if (Value("FailureBackoff") is { } backoff)
        {
            options.FailureBackoff = Duration(org, section, "FailureBackoff", backoff, allowZero: true);
        }

        options.Settings = settings;
    }

    private static SecretReference? Secret(string org, IConfigurationSection section, string key)
    {
        if (section[key] is not { Length: > 0 } value)
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

    private static SalesforceFlow ParseFlow(string org, IConfigurationSection section, string value) =>
        value.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "PASSWORD" => SalesforceFlow.Password,
            "REFRESHTOKEN" => SalesforceFlow.RefreshToken,
            "JWTBEARER" => SalesforceFlow.JwtBearer,
            "CLIENTCREDENTIALS" => SalesforceFlow.ClientCredentials,
            "WEBSERVER" => SalesforceFlow.WebServer,
            _ => throw Invalid(org, section, "Flow", value, "password, refresh_token, jwt_bearer, client_credentials or web_server"),
        };

    private static Uri AbsoluteUri(string org, IConfigurationSection section, string key, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw Invalid(org, section, key, value, "an absolute URL such as https://test.salesforce.com");

    private static TimeSpan Duration(string org, IConfigurationSection section, string key, string value, bool allowZero = false)
    {
        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var duration) && (duration > TimeSpan.Zero || (allowZero && duration == TimeSpan.Zero)))
        {
            return duration;
        }

        throw Invalid(org, section, key, value, allowZero ? "a duration such as 00:00:05 (zero allowed)" : "a positive duration such as 02:00:00");
    }

    // Only ever called for non-secret keys, so the value may be shown.
    private static SalesforceConfigurationException Invalid(string org, IConfigurationSection section, string key, string value, string expected) =>
        new(org, key, $"Salesforce org '{org}': '{section.Path}:{key}' is '{value}', which is not valid; expected {expected}.");
}
