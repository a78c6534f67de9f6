using Microsoft.CodeAnalysis;

namespace SfOAuthGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic SfOAuthGen reports. Ids are stable; each help link points at <c>docs/diagnostics/&lt;id&gt;.md</c>.
/// SFAUTH001–SFAUTH099 belong to the analyzers (warnings: secrets and flows); SFAUTH100–SFAUTH199 to the generator
/// (errors in <c>sfauth.json</c>).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "SfOAuthGen.Manifest";
    private const string SecurityCategory = "SfOAuthGen.Security";
    private const string FlowsCategory = "SfOAuthGen.Flows";

    /// <summary>SFAUTH001: "'{0}' of org '{1}' is a hardcoded secret: use a reference such as \"env:{2}\"".</summary>
    public static readonly DiagnosticDescriptor ManifestSecret = Create(
        "SFAUTH001",
        "A secret is written into sfauth.json",
        "'{0}' of org '{1}' is a hardcoded secret: use a reference such as \"env:{2}\"",
        SecurityCategory,
        DiagnosticSeverity.Warning);

    /// <summary>SFAUTH002: "A hardcoded secret reaches {0}: read it from configuration, the environment or a file".</summary>
    public static readonly DiagnosticDescriptor CodeSecret = Create(
        "SFAUTH002",
        "A hardcoded secret reaches a member that takes a secret",
        "A hardcoded secret reaches {0}: read it from configuration, the environment or a file",
        SecurityCategory,
        DiagnosticSeverity.Warning);

    /// <summary>SFAUTH003: "This string is shaped like a Salesforce {0}: keep credentials out of source code".</summary>
    public static readonly DiagnosticDescriptor TokenShapedLiteral = Create(
        "SFAUTH003",
        "A string literal is shaped like a Salesforce credential",
        "This string is shaped like a Salesforce {0}: keep credentials out of source code and read them from configuration, the environment or a file",
        SecurityCategory,
        DiagnosticSeverity.Warning);

    /// <summary>SFAUTH004: "Org '{0}' uses the username-password flow, which Salesforce retires on 2027-02-20: move it to jwt_bearer, client_credentials or web_server".</summary>
    public static readonly DiagnosticDescriptor RetiringPasswordFlow = Create(
        "SFAUTH004",
        "The username-password flow is being retired",
        "Org '{0}' uses the username-password flow, which Salesforce retires on 2027-02-20: move it to jwt_bearer, client_credentials or web_server",
        FlowsCategory,
        DiagnosticSeverity.Warning);

    /// <summary>SFAUTH005: "Org '{0}' uses client_credentials on {1}, which serves that flow only on My Domain hosts: set loginUrl to https://&lt;MyDomain&gt;.my.salesforce.com".</summary>
    public static readonly DiagnosticDescriptor ClientCredentialsOnGenericHost = Create(
        "SFAUTH005",
        "client_credentials needs a My Domain login host",
        "Org '{0}' uses client_credentials on {1}, which Salesforce serves only on My Domain hosts: set loginUrl to https://<MyDomain>.my.salesforce.com",
        FlowsCategory,
        DiagnosticSeverity.Warning);
    private const string HelpLinkBase = "https://github.com/sfoauthgen/sfoauthgen/blob/main/docs/diagnostics/";

    /// <summary>SFAUTH100: "The sfauth.json generator failed unexpectedly ({0}); please report it".</summary>
    public static readonly DiagnosticDescriptor InternalError = Create(
        "SFAUTH100",
        "The generator failed unexpectedly",
        "The sfauth.json generator failed unexpectedly ({0}); please report it");

    /// <summary>SFAUTH101: "sfauth.json is not valid JSON: {0}".</summary>
    public static readonly DiagnosticDescriptor InvalidJson = Create(
        "SFAUTH101",
        "The manifest is not valid JSON",
        "sfauth.json is not valid JSON: {0}");

    /// <summary>SFAUTH102: "{0} is missing the required property '{1}'".</summary>
    public static readonly DiagnosticDescriptor MissingProperty = Create(
        "SFAUTH102",
        "A required property is missing",
        "{0} is missing the required property '{1}'");

    /// <summary>SFAUTH103: "'{0}' is not a property of {1}{2}" ({2} suggests the closest known name).</summary>
    public static readonly DiagnosticDescriptor UnknownProperty = Create(
        "SFAUTH103",
        "Unknown property",
        "'{0}' is not a property of {1}{2}");

    /// <summary>SFAUTH104: "'{0}' must be {1}, not {2}".</summary>
    public static readonly DiagnosticDescriptor WrongType = Create(
        "SFAUTH104",
        "A value has the wrong type",
        "'{0}' must be {1}, not {2}");

    /// <summary>SFAUTH105: "'{0}' has an invalid value: {1}".</summary>
    public static readonly DiagnosticDescriptor InvalidValue = Create(
        "SFAUTH105",
        "A value is not valid",
        "'{0}' has an invalid value: {1}");

    /// <summary>SFAUTH106: "Unknown flow '{0}': use password, refresh_token, jwt_bearer, client_credentials or web_server{1}".</summary>
    public static readonly DiagnosticDescriptor UnknownFlow = Create(
        "SFAUTH106",
        "Unknown flow",
        "Unknown flow '{0}': use password, refresh_token, jwt_bearer, client_credentials or web_server{1}");

    /// <summary>SFAUTH107: "Org '{0}' uses the {1} flow, which needs '{2}'".</summary>
    public static readonly DiagnosticDescriptor FlowMissingField = Create(
        "SFAUTH107",
        "The flow needs a field that is missing",
        "Org '{0}' uses the {1} flow, which needs '{2}'");

    /// <summary>SFAUTH108: "Org name '{0}' does not make a C# class name: use up to 100 letters, digits, '-' or '_'".</summary>
    public static readonly DiagnosticDescriptor InvalidOrgName = Create(
        "SFAUTH108",
        "The org name does not make a C# class name",
        "Org name '{0}' does not make a C# class name: use up to 100 letters, digits, '-' or '_'");

    /// <summary>SFAUTH109: "Org '{0}' would generate class '{1}', which org '{2}' already generates".</summary>
    public static readonly DiagnosticDescriptor DuplicateClassName = Create(
        "SFAUTH109",
        "Two orgs generate the same class",
        "Org '{0}' would generate class '{1}', which org '{2}' already generates");

    /// <summary>SFAUTH110: "loginUrl '{0}' must be an absolute https URL (http only for loopback hosts)".</summary>
    public static readonly DiagnosticDescriptor InvalidLoginUrl = Create(
        "SFAUTH110",
        "The login URL is not an absolute https URL",
        "loginUrl '{0}' must be an absolute https URL (http only for loopback hosts)");

    /// <summary>SFAUTH111: "Manifest version {0} is not supported: this generator reads version 1".</summary>
    public static readonly DiagnosticDescriptor UnsupportedVersion = Create(
        "SFAUTH111",
        "Unsupported manifest version",
        "Manifest version {0} is not supported: this generator reads version 1");

    /// <summary>SFAUTH112: "'{0}' appears more than once in {1}".</summary>
    public static readonly DiagnosticDescriptor DuplicateProperty = Create(
        "SFAUTH112",
        "A property appears twice",
        "'{0}' appears more than once in {1}");

    /// <summary>SFAUTH113: "'{0}' is not a valid C# namespace{1}".</summary>
    public static readonly DiagnosticDescriptor InvalidNamespace = Create(
        "SFAUTH113",
        "The namespace is not a valid C# namespace",
        "'{0}' is not a valid C# namespace{1}");

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat) =>
        Create(id, title, messageFormat, Category, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, string category, DiagnosticSeverity severity) =>
        new(id, title, messageFormat, category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
