using System.CommandLine;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Tool.Commands;

/// <summary><c>sfauth token &lt;Org&gt;</c>: a fresh access token and the instance URL, as shell variable lines.</summary>
internal sealed class TokenCommand : ToolCommand
{
    private readonly Option<bool> _renew = Flag("--renew", "obtain a new access token even when the token store holds a valid one");

    public TokenCommand(ToolOutput output)
        : base("token", "print a fresh access token and the instance URL", """
            Gets a fresh access token for <Org> with its configured flow and prints it with the instance URL, as
            SF_INSTANCE_URL=... and SF_ACCESS_TOKEN=... lines (for curl: export $(sfauth token <Org> | xargs)).
            Printing the access token is this command's purpose: it is a credential, keep the output private.
            A rotated refresh token is stored back where the org's reference points; with --token-store it is kept in
            the token store instead, and a valid access token found there is printed without a new request.
            """, output, sharesChain: true)
    {
        Options.Add(_renew);
    }

    protected override async Task<int> RunAsync(ToolContext context, ParseResult arguments, CancellationToken cancellationToken)
    {
        var settings = context.Settings(arguments.GetRequiredValue(OrgArgument));
        using var client = context.Client(settings);
        var token = await ObtainAsync(context, client, arguments.GetValue(_renew), cancellationToken).ConfigureAwait(false);
        if (token.RefreshToken is { } rotated && settings.RefreshToken is { } reference && SecretStore.IsWritable(reference))
        {
            await KeepRotatedAsync(context, reference, rotated, cancellationToken).ConfigureAwait(false);
        }

        await Output.Stdout.WriteLineAsync("SF_INSTANCE_URL=" + token.InstanceUrl.GetLeftPart(UriPartial.Authority)).ConfigureAwait(false);
        await Output.Stdout.WriteLineAsync("SF_ACCESS_TOKEN=" + token.AccessToken).ConfigureAwait(false);
        return SfAuthTool.Ok;
    }

    /// <summary>The chain's valid token from the store, or a renewal; with <c>--renew</c>, a renewal in any case.</summary>
    private static async Task<SalesforceToken> ObtainAsync(ToolContext context, SalesforceTokenClient client, bool renew, CancellationToken cancellationToken)
    {
        var stored = renew && context.Chains is { } chains
            ? await chains.ReadAsync(client.Settings, client.LoginUrl, cancellationToken).ConfigureAwait(false)
            : null;
        var token = await client.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (stored?.Token is { } old && old.AccessToken == token.AccessToken)
        {
            // Adopted from the store: drop it (the generation stays, so the store's copy is not adopted again) and renew
            // with the chain's current refresh token.
            client.Invalidate(token);
            token = await client.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        }

        return token;
    }

    private async Task KeepRotatedAsync(ToolContext context, SecretReference reference, string rotated, CancellationToken cancellationToken)
    {
        var (configured, _) = await context.Store.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        if (configured == rotated)
        {
            return;
        }

        if (context.Chains is { } chains)
        {
            // The configured token names the chain (the store key holds its fingerprint): rewriting it would start a new
            // chain here while a service continues the old one, which then sends a token this run superseded.
            await Output.Stderr.WriteLineAsync($"The rotated refresh token {Mask(rotated)} is kept in the {chains.Description}; {reference} keeps the token the chain started from.").ConfigureAwait(false);
            return;
        }

        // Rotation: the old refresh token is dead now; keep the new one or the next run fails.
        var where = context.Store.Store(reference, rotated);
        await Output.Stderr.WriteLineAsync($"Stored the rotated refresh token {Mask(rotated)} as {reference} in {where}.").ConfigureAwait(false);
    }
}
