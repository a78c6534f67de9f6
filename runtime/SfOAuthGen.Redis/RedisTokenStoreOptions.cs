namespace SfOAuthGen.Redis;

/// <summary>How a <see cref="RedisTokenStore"/> names and keeps its keys.</summary>
public sealed class RedisTokenStoreOptions
{
    /// <summary>Prepended to every key, so several apps can share one Redis. Default <c>sfauth:</c>.</summary>
    public string KeyPrefix { get; set; } = "sfauth:";

    /// <summary>The Redis database number; -1 (the default) is the connection's default database.</summary>
    public int Database { get; set; } = -1;

    /// <summary>
    /// How long a chain's state lives after its last renewal. Salesforce ends an unused refresh token after at most
    /// 30 days (sliding), so the default of 30 days keeps the state as long as its refresh token can live.
    /// </summary>
    public TimeSpan StateTimeToLive { get; set; } = TimeSpan.FromDays(30);
}
