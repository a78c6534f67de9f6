using SfOAuthGen.Runtime;

namespace SfOAuthGen.TokenStore.Tests.Infrastructure;

internal static class StoreKeys
{
    /// <summary>The store key of a client's chain, as the runtime computes it.</summary>
    public static ValueTask<string> OfAsync(SalesforceTokenClient client) =>
        TokenStoreKey.ComputeAsync(client.Settings, client.LoginUrl, new OrgSecrets(client.Settings, DefaultSecretResolver.Instance), CancellationToken.None);
}
