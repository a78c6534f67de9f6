using System.CommandLine;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Tool.Commands;

/// <summary><c>sfauth revoke &lt;Org&gt;</c>: revokes the org's refresh token and removes it from its store.</summary>
internal sealed class RevokeCommand(ToolOutput output) : ToolCommand("revoke", "revoke the org's refresh token and remove it from its store", """
    Revokes <Org>'s stored refresh token at /services/oauth2/revoke (which ends its access tokens too) and removes it
    from where the org's refreshToken reference points. With --token-store, the chain's current refresh token (the
    latest rotation) is revoked and the chain's state is deleted from the token store.
    """, output, sharesChain: true)
{
    protected override async Task<int> RunAsync(ToolContext context, ParseResult arguments, CancellationToken cancellationToken)
    {
        var orgName = arguments.GetRequiredValue(OrgArgument);
        var settings = context.Settings(orgName);
        if (settings.RefreshToken is not { } reference)
        {
            throw new SalesforceConfigurationException(orgName, "refreshToken", $"Salesforce org '{orgName}' has no 'refreshToken' reference: there is nothing stored to revoke.");
        }

        var (value, where) = await context.Store.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(value))
        {
            throw new SalesforceConfigurationException(orgName, "refreshToken", $"Salesforce org '{orgName}': {reference} is not set in {where}: there is nothing to revoke.");
        }

        using var client = context.Client(settings, throughChainStore: false);
        await client.RevokeAsync(await CurrentRefreshTokenAsync(context, client, value, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await Output.Stdout.WriteLineAsync($"Revoked the refresh token of '{orgName}' (and its access tokens).").ConfigureAwait(false);
        if (context.Chains is { } chains)
        {
            await chains.ForgetAsync(settings, client.LoginUrl, cancellationToken).ConfigureAwait(false);
            await Output.Stdout.WriteLineAsync($"Removed the chain's state from the {chains.Description}.").ConfigureAwait(false);
        }

        if (SecretStore.IsWritable(reference) && !(reference.Kind == SecretReferenceKind.Environment && where == "the environment"))
        {
            var file = context.Store.Store(reference, null);
            await Output.Stdout.WriteLineAsync($"Removed {reference} from {file}.").ConfigureAwait(false);
        }

        return SfAuthTool.Ok;
    }

    /// <summary>The chain's latest refresh token from the token store when there is one, else the configured one.</summary>
    private static async Task<string> CurrentRefreshTokenAsync(ToolContext context, SalesforceTokenClient client, string configured, CancellationToken cancellationToken)
    {
        if (context.Chains is not { } chains)
        {
            return configured;
        }

        var stored = await chains.ReadAsync(client.Settings, client.LoginUrl, cancellationToken).ConfigureAwait(false);
        return stored?.RefreshToken ?? configured;
    }
}
