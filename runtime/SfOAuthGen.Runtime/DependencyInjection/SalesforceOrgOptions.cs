namespace SfOAuthGen.Runtime.DependencyInjection;

/// <summary>
/// One registered org's effective settings and client options; a named option (the name is the org's).
/// Built in this order: the settings passed to <c>AddSalesforceOrg</c> (the manifest's), then the configuration section
/// <c>Salesforce:Orgs:&lt;Org&gt;</c>, then the <c>configure</c> delegate, then any later
/// <c>services.Configure&lt;SalesforceOrgOptions&gt;("&lt;Org&gt;", …)</c>.
/// </summary>
public sealed class SalesforceOrgOptions
{
    /// <summary>The configuration section that holds every org's overrides: <c>Salesforce:Orgs</c>.</summary>
    public const string ConfigurationRoot = "Salesforce:Orgs";

    /// <summary>The org's settings; replace them with <c>with</c> to change a value (<c>o.Settings = o.Settings with { … }</c>).</summary>
    public SalesforceOrgSettings? Settings { get; set; }

    /// <summary>The longest a single token request may take (configuration key <c>RequestTimeout</c>).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after a failed token request no other is sent (configuration key <c>FailureBackoff</c>).</summary>
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a renewal may hold the token store's lease before it lapses, should its process die mid-request. Must
    /// outlast <see cref="RequestTimeout"/> (a shorter one is warned about at start: a renewal that outlives its lease
    /// lets another process send a refresh token that was just rotated). <see langword="null"/>: <see cref="RequestTimeout"/> plus 10 seconds.
    /// </summary>
    public TimeSpan? TokenStoreLeaseDuration { get; set; }

    /// <summary>
    /// Resolves every secret reference that is not <c>config:</c> (those always go to the app's <c>IConfiguration</c>).
    /// Defaults to <see cref="DefaultSecretResolver.Instance"/> (<c>env:</c>, <c>file:</c>, literals, manifest).
    /// </summary>
    public ISecretResolver? SecretResolver { get; set; }

    /// <summary>The configuration section path of <paramref name="orgName"/>: <c>Salesforce:Orgs:&lt;orgName&gt;</c>.</summary>
    public static string ConfigurationSection(string orgName) => ConfigurationRoot + ":" + orgName;
}
