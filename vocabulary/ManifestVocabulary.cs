using System;
using System.Collections.Generic;

namespace SfOAuthGen.Vocabulary;

/// <summary>
/// The words of <c>sfauth.json</c>: its properties, which of them hold secrets, the flows and what each requires.
/// One source compiled into the generator, the runtime and the <c>sfauth</c> tool (linked, as System.Text.Json links
/// its <c>Common</c> folder), so that they cannot disagree; tests hold it equal to the schema and the docs.
/// Dependency-free and netstandard2.0-compatible on purpose.
/// </summary>
internal static class ManifestVocabulary
{
    public const string LoginUrl = "loginUrl";
    public const string Flow = "flow";
    public const string ClientAuth = "clientAuth";
    public const string ClientId = "clientId";
    public const string ClientSecret = "clientSecret";
    public const string Username = "username";
    public const string Password = "password";
    public const string SecurityToken = "securityToken";
    public const string RefreshToken = "refreshToken";
    public const string PrivateKey = "privateKey";
    public const string Audience = "audience";
    public const string RedirectUri = "redirectUri";
    public const string Scope = "scope";
    public const string SessionLifetime = "sessionLifetime";
    public const string RenewalMargin = "renewalMargin";
    public const string ApiVersion = "apiVersion";
    public const string VerifySignature = "verifySignature";
    public const string Template = "template";

    /// <summary>The top-level properties.</summary>
    public static readonly string[] RootProperties = { "$schema", "version", "namespace", "orgs" };

    /// <summary>Every property an org may have, in the order the docs list them.</summary>
    public static readonly string[] OrgProperties =
    {
        LoginUrl, Flow, ClientAuth, ClientId, ClientSecret, Username, Password, SecurityToken, RefreshToken, PrivateKey,
        Audience, RedirectUri, Scope, SessionLifetime, RenewalMargin, ApiVersion, VerifySignature, Template,
    };

    /// <summary>
    /// What a template org (<c>"template": true</c>: one connected app, many tenants) leaves to each tenant, so its flow
    /// does not require them in the manifest; a refresh token there would be shared by every tenant and is refused.
    /// </summary>
    public static readonly string[] TenantFields = { Username, RefreshToken };

    /// <summary>Fields that take a reference but identify rather than authenticate: a literal is fine and may be compiled in.</summary>
    public static readonly string[] IdentifierFields = { ClientId, Username };

    /// <summary>Credentials: never printed, never compiled in, and a literal in the manifest gets a warning.</summary>
    public static readonly string[] SecretFields = { ClientSecret, Password, SecurityToken, RefreshToken, PrivateKey };

    /// <summary>
    /// The fields that take a secret reference (<c>env:NAME</c>, <c>config:Section:Key</c>, <c>file:path</c>): the
    /// identifiers, then the secrets, which is the order generated code sets them.
    /// </summary>
    public static readonly string[] ReferenceFields = Concat(IdentifierFields, SecretFields);

    /// <summary>The prefixes that make a value a reference rather than a literal.</summary>
    public static readonly string[] ReferencePrefixes = { "env:", "config:", "file:" };

    /// <summary>What every org needs, whatever its flow.</summary>
    public static readonly string[] OrgRequiredFields = { LoginUrl, Flow, ClientId };

    /// <summary>The values of <c>clientAuth</c>; the first is the default.</summary>
    public static readonly string[] ClientAuthValues = { "body", "basic" };

    /// <summary>Every flow, in the order of <c>SfOAuthGen.Runtime.SalesforceFlow</c>.</summary>
    public static readonly ManifestFlow[] Flows =
    {
        // Salesforce's username-password grant sends client_id and client_secret with the user's credentials.
        new("password", "Password", new[] { ClientSecret, Username, Password }),
        new("refresh_token", "RefreshToken", new[] { RefreshToken }),
        new("jwt_bearer", "JwtBearer", new[] { Username, PrivateKey }),
        new("client_credentials", "ClientCredentials", new[] { ClientSecret }),
        new("web_server", "WebServer", new[] { RedirectUri }, loginStoresRefreshToken: true),
    };

    /// <summary>The flow a manifest names exactly (<c>"refresh_token"</c>), or null.</summary>
    public static ManifestFlow? FindFlow(string name)
    {
        foreach (var flow in Flows)
        {
            if (string.Equals(flow.Name, name, StringComparison.Ordinal))
            {
                return flow;
            }
        }

        return null;
    }

    /// <summary>The flow written in any spelling configuration accepts (<c>refresh_token</c>, <c>RefreshToken</c>), or null.</summary>
    public static ManifestFlow? FindFlowAnySpelling(string text)
    {
        foreach (var flow in Flows)
        {
            if (flow.IsSpelled(text))
            {
                return flow;
            }
        }

        return null;
    }

    /// <summary>The flow names, for messages and typo suggestions.</summary>
    public static IEnumerable<string> FlowNames()
    {
        foreach (var flow in Flows)
        {
            yield return flow.Name;
        }
    }

    /// <summary>A field whose literal value is a credential: it must never be printed and deserves a warning when written in clear.</summary>
    public static bool IsSecret(string field) => Array.IndexOf(SecretFields, field) >= 0;

    /// <summary>A field that takes a secret reference.</summary>
    public static bool TakesReference(string field) => Array.IndexOf(ReferenceFields, field) >= 0;

    /// <summary>The reference prefix <paramref name="value"/> starts with, or null for a literal.</summary>
    public static string? ReferencePrefixOf(string value)
    {
        foreach (var prefix in ReferencePrefixes)
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefix;
            }
        }

        return null;
    }

    /// <summary>The configuration key of a field (<c>Salesforce:Orgs:&lt;Org&gt;:ClientSecret</c>): the name in PascalCase.</summary>
    public static string ConfigurationKey(string field) => char.ToUpperInvariant(field[0]) + field.Substring(1);

    private static string[] Concat(string[] first, string[] second)
    {
        var all = new string[first.Length + second.Length];
        first.CopyTo(all, 0);
        second.CopyTo(all, first.Length);
        return all;
    }
}
