using SfOAuthGen.Runtime;

namespace SfOAuthGen.Tool;

/// <summary>
/// The <see cref="FileTokenStore"/> named by <c>--token-store DIR</c>: the directory a service on this machine passes to
/// <c>AddFileTokenStore(DIR)</c>. The tool reads and writes the same state files under the same keys (computed by the
/// runtime's own code) and takes the same renewal lease, so the tool and the service continue one refresh-token chain
/// and neither sends a refresh token the other has superseded.
/// </summary>
internal sealed class SharedChainStore(FileTokenStore store, ISecretResolver secrets)
{
    public FileTokenStore Store { get; } = store;

    public string Description => Store.Description;

    /// <summary>The key of the chain of an org configured with <paramref name="settings"/>, as a service computes it.</summary>
    public async ValueTask<string> KeyAsync(SalesforceOrgSettings settings, Uri loginUrl, CancellationToken cancellationToken) =>
        await TokenStoreKey.ComputeAsync(settings, loginUrl, new OrgSecrets(settings, secrets), cancellationToken).ConfigureAwait(false);

    /// <summary>The chain's stored state, or null when the store has none for it.</summary>
    public async ValueTask<StoredTokenState?> ReadAsync(SalesforceOrgSettings settings, Uri loginUrl, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(settings, loginUrl, cancellationToken).ConfigureAwait(false);
        return await GuardAsync(() => Store.ReadAsync(key, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// After <c>sfauth login</c>: the new chain's first state (the login's access token and refresh token), under the key of
    /// the org configured with that refresh token, so a service configured with it starts from the login's token.
    /// </summary>
    /// <returns>False when the store already held a state for that key (it is left alone).</returns>
    public async ValueTask<bool> StartChainAsync(SalesforceOrgSettings settings, Uri loginUrl, SalesforceToken token, string refreshToken, CancellationToken cancellationToken)
    {
        var configured = settings with { RefreshToken = SecretReference.Literal(refreshToken) };
        var key = await KeyAsync(configured, loginUrl, cancellationToken).ConfigureAwait(false);
        return await GuardAsync(() => Store.TryWriteAsync(key, new StoredTokenState(1, token, refreshToken, settings.Name), 0, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>After the chain's refresh token was revoked: nobody may adopt the stored copy any more.</summary>
    public async ValueTask ForgetAsync(SalesforceOrgSettings settings, Uri loginUrl, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(settings, loginUrl, cancellationToken).ConfigureAwait(false);
        await GuardAsync(async () =>
        {
            await Store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    /// <summary>A store that cannot be read or written (a state encrypted with keys the tool lacks, a file it may not open) is named, never guessed past.</summary>
    private async ValueTask<T> GuardAsync<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new TokenStoreUnavailableException($"token store {Description}: {ex.Message} Nothing was sent to Salesforce.", ex);
        }
    }
}

/// <summary>The token store given with --token-store cannot be read or written; the tool sends nothing and exits with 1.</summary>
internal sealed class TokenStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
