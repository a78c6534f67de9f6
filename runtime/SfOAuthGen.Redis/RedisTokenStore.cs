using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using SfOAuthGen.Runtime;
using StackExchange.Redis;

namespace SfOAuthGen.Redis;

/// <summary>
/// Keeps Salesforce token states in Redis, so every instance of a service shares one refresh-token chain per org and a
/// restart continues it. Per chain: a hash <c>{prefix}{key}:state</c> (generation and state) with a time to live, and a
/// lease <c>{prefix}{key}:lease</c> taken with <c>SET NX PX</c> and released only by its holder. Writes are a
/// compare-and-set on the generation (a Lua script), so a process whose lease lapsed can never overwrite a newer rotation.
/// </summary>
/// <remarks>
/// With an <see cref="IDataProtectionProvider"/> the credentials are encrypted before they reach Redis; without one they
/// are stored in clear and a warning is logged when the store is created. The connection is the app's: this store does
/// not dispose it.
/// </remarks>
public sealed partial class RedisTokenStore : ISalesforceTokenStore
{
    // KEYS[1] the state hash; ARGV: expected generation, new generation, encoded state, time to live in ms.
    private const string CompareAndSetScript = """
        local current = redis.call('HGET', KEYS[1], 'generation')
        if (current == false and ARGV[1] == '0') or current == ARGV[1] then
          redis.call('HSET', KEYS[1], 'generation', ARGV[2], 'state', ARGV[3])
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
          return 1
        end
        return 0
        """;

    private static readonly RedisValue[] StateFields = ["state"];

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisTokenStoreOptions _options;
    private readonly TokenStateCodec _codec;

    /// <summary>Creates a store on an open connection.</summary>
    /// <param name="redis">The app's Redis connection (StackExchange.Redis).</param>
    /// <param name="options">Key prefix, database and time to live; defaults when <see langword="null"/>.</param>
    /// <param name="dataProtection">Encrypts the stored credentials when given (recommended).</param>
    /// <param name="logger">Receives the warning about credentials stored in clear.</param>
    public RedisTokenStore(IConnectionMultiplexer redis, RedisTokenStoreOptions? options = null, IDataProtectionProvider? dataProtection = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _options = options ?? new RedisTokenStoreOptions();
        if (_options.StateTimeToLive <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.StateTimeToLive, "StateTimeToLive must be positive.");
        }

        _codec = new TokenStateCodec(dataProtection);
        // Endpoints only: the configuration string may hold a password.
        Description = "Redis at " + string.Join(", ", redis.GetEndPoints().Select(e => e.ToString()));
        if (!_codec.Protects && logger is not null)
        {
            LogInClear(logger, Description);
        }
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public bool IsPersistent => true;

    /// <inheritdoc/>
    public async ValueTask<StoredTokenState?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var values = await Database.HashGetAsync(StateKey(key), StateFields).ConfigureAwait(false);
        return values[0].IsNull ? null : _codec.Decode((byte[])values[0]!);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryWriteAsync(string key, StoredTokenState state, long expectedGeneration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var written = await Database.ScriptEvaluateAsync(
            CompareAndSetScript,
            [StateKey(key)],
            [expectedGeneration, state.Generation, _codec.Encode(state), (long)_options.StateTimeToLive.TotalMilliseconds]).ConfigureAwait(false);
        return (long)written == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<IAsyncDisposable?> TryAcquireLeaseAsync(string key, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var holder = Guid.NewGuid().ToString("N");
        var leaseKey = LeaseKey(key);
        var database = Database;
        return await database.LockTakeAsync(leaseKey, holder, duration).ConfigureAwait(false)
            ? new Lease(database, leaseKey, holder)
            : null;
    }

    /// <inheritdoc/>
    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        await Database.KeyDeleteAsync(StateKey(key)).ConfigureAwait(false);

    private IDatabase Database => _redis.GetDatabase(_options.Database);

    private RedisKey StateKey(string key) => _options.KeyPrefix + key + ":state";

    private RedisKey LeaseKey(string key) => _options.KeyPrefix + key + ":lease";

    [LoggerMessage(EventId = 21, EventName = "TokenStoreInClear", Level = LogLevel.Warning,
        Message = "The token store ({Store}) holds access and refresh tokens in clear: register ASP.NET Core Data Protection (services.AddDataProtection(), with keys every instance shares) to encrypt them.")]
    private static partial void LogInClear(ILogger logger, string store);

    private sealed class Lease(IDatabase database, RedisKey key, RedisValue holder) : IAsyncDisposable
    {
        // LockRelease deletes the key only while it still holds this holder's value: a lapsed lease taken by another stays theirs.
        public async ValueTask DisposeAsync() => await database.LockReleaseAsync(key, holder).ConfigureAwait(false);
    }
}
