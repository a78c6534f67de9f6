using SfOAuthGen.Runtime;

namespace SfOAuthGen.Tool;

/// <summary>A command line that names an unknown org, a bad option value or a login the org cannot do.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The common options of a command, as given.</summary>
internal sealed record CommonArguments(
    string? Manifest, string? LoginUrl, string? EnvFile, string? SecretsFile, string? UserSecretsId, string? TokenStore);

/// <summary>The manifest, the secret store, the login URL override and the shared token store, built from the common options.</summary>
internal sealed class ToolContext(string manifestPath, SecretStore store, Uri? loginUrl, SharedChainStore? chains)
{
    private IReadOnlyList<ManifestOrg>? _orgs;

    public string ManifestPath { get; } = manifestPath;

    public SecretStore Store { get; } = store;

    /// <summary>The token store given with <c>--token-store</c>, shared with services on this machine; null without it.</summary>
    public SharedChainStore? Chains { get; } = chains;

    public IReadOnlyList<ManifestOrg> Orgs => _orgs ??= ManifestReader.Read(ManifestPath);

    public static ToolContext Create(CommonArguments given)
    {
        var manifest = Path.GetFullPath(given.Manifest ?? "sfauth.json");
        var directory = Path.GetDirectoryName(manifest)!;
        var envFile = given.EnvFile ?? Path.Combine(directory, ".env");
        Uri? loginUrl = null;
        if (given.LoginUrl is { } loginText && !Uri.TryCreate(loginText, UriKind.Absolute, out loginUrl))
        {
            throw new UsageException($"--login-url must be an absolute URL, not '{loginText}'.");
        }

        string? secretsFile = null;
        var resolved = false;
        var store = new SecretStore(envFile, () =>
        {
            // Found on first use only: most commands never touch config: references.
            if (!resolved)
            {
                resolved = true;
                secretsFile = given.SecretsFile is { } explicitFile
                    ? Path.GetFullPath(explicitFile)
                    : (given.UserSecretsId ?? SecretStore.FindUserSecretsId(directory)) is { } id
                        ? SecretStore.UserSecretsPath(id)
                        : null;
            }

            return secretsFile;
        });
        var chains = given.TokenStore is { } tokenStore ? new SharedChainStore(new FileTokenStore(tokenStore), store) : null;
        return new ToolContext(manifest, store, loginUrl, chains);
    }

    public ManifestOrg Org(string name) =>
        Orgs.FirstOrDefault(o => o.Name == name)
        ?? throw new UsageException($"there is no org '{name}' in {ManifestPath}; it has: {(Orgs.Count == 0 ? "(none)" : string.Join(", ", Orgs.Select(o => o.Name)))}.");

    public SalesforceOrgSettings Settings(string name) => Org(name).ToSettings();

    /// <summary>
    /// A client of its own, as a separate process would have. With <c>--token-store</c> its state goes through that store,
    /// so it continues the chain a service keeps there; without, it lives in this run only.
    /// </summary>
    public SalesforceTokenClient Client(SalesforceOrgSettings settings, bool throughChainStore = true) =>
        new(settings, new SalesforceTokenClientOptions
        {
            LoginUrl = loginUrl,
            SecretResolver = Store,
            FailureBackoff = TimeSpan.Zero,
            IsolatedTokenState = true,
            TokenStore = throughChainStore ? Chains?.Store : null,
        });
}
