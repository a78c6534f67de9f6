using Microsoft.AspNetCore.DataProtection;
using SfOAuthGen.Redis;
using SfOAuthGen.Runtime;
using SfOAuthGen.TokenStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace SfOAuthGen.TokenStore.Tests;

/// <summary>What every token store promises the runtime: reads, a compare-and-set on the generation, an exclusive lease.</summary>
public abstract class TokenStoreContractTests : IAsyncLifetime
{
    private const string AccessToken = "00DFAKE00000001!AQContractAccessTokenValue0123456789abcdefghijklmnopq";
    private const string RefreshToken = "5Aep861ContractRefreshTokenValue0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM";

    protected ISalesforceTokenStore Store { get; set; } = null!;

    protected static string Key { get; } = "sfauth-" + Guid.NewGuid().ToString("N");

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Nothing_stored_reads_as_null()
    {
        Assert.Null(await Store.ReadAsync(Key));
    }

    [Fact]
    public async Task A_state_round_trips_with_every_field()
    {
        var token = new SalesforceToken(AccessToken, new Uri("https://fake-org.my.salesforce.com/"), DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123))
        {
            IdentityUrl = new Uri("https://login.salesforce.com/id/00DFAKE00000001AAA/005FAKE00000001AAA"),
            IssuedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_799_999_000_456),
            Scope = "api refresh_token",
            Signature = "c2lnbmF0dXJl",
            CommunityUrl = new Uri("https://community.example.com/"),
        };
        Assert.True(await Store.TryWriteAsync(Key, new StoredTokenState(1, token, RefreshToken, "Contract"), expectedGeneration: 0));

        var read = await Store.ReadAsync(Key);

        Assert.NotNull(read);
        Assert.Equal(1, read.Generation);
        Assert.Equal("Contract", read.OrgName);
        Assert.Equal(RefreshToken, read.RefreshToken);
        Assert.Equal(AccessToken, read.Token!.AccessToken);
        Assert.Equal(token.InstanceUrl, read.Token.InstanceUrl);
        Assert.Equal(token.ExpiresAt, read.Token.ExpiresAt);
        Assert.Equal(token.IssuedAt, read.Token.IssuedAt);
        Assert.Equal(token.IdentityUrl, read.Token.IdentityUrl);
        Assert.Equal(token.Scope, read.Token.Scope);
        Assert.Equal(token.Signature, read.Token.Signature);
        Assert.Equal(token.CommunityUrl, read.Token.CommunityUrl);
        Assert.DoesNotContain(RefreshToken, read.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(AccessToken, read.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_expecting_an_older_generation_changes_nothing()
    {
        Assert.True(await Store.TryWriteAsync(Key, State(1, "first"), expectedGeneration: 0));
        Assert.True(await Store.TryWriteAsync(Key, State(2, "second"), expectedGeneration: 1));

        // A writer whose lease lapsed read generation 1 and comes back late.
        Assert.False(await Store.TryWriteAsync(Key, State(2, "stale"), expectedGeneration: 1));
        Assert.False(await Store.TryWriteAsync(Key, State(1, "stale"), expectedGeneration: 0));

        var read = await Store.ReadAsync(Key);
        Assert.Equal(2, read!.Generation);
        Assert.Equal(RefreshToken + "second", read.RefreshToken);
    }

    [Fact]
    public async Task The_lease_has_one_holder_at_a_time_and_only_the_holder_releases_it()
    {
        var first = await Store.TryAcquireLeaseAsync(Key, TimeSpan.FromMinutes(1));
        Assert.NotNull(first);
        Assert.Null(await Store.TryAcquireLeaseAsync(Key, TimeSpan.FromMinutes(1)));

        await first.DisposeAsync();
        var second = await Store.TryAcquireLeaseAsync(Key, TimeSpan.FromMinutes(1));
        Assert.NotNull(second);

        // Releasing the first again must not free the second holder's lease.
        await first.DisposeAsync();
        Assert.Null(await Store.TryAcquireLeaseAsync(Key, TimeSpan.FromMinutes(1)));
        await second.DisposeAsync();
    }

    [Fact]
    public async Task Deleting_forgets_the_state_and_a_new_chain_starts_at_generation_zero()
    {
        Assert.True(await Store.TryWriteAsync(Key, State(3, "x"), expectedGeneration: 0));
        await Store.DeleteAsync(Key);
        Assert.Null(await Store.ReadAsync(Key));
        Assert.True(await Store.TryWriteAsync(Key, State(4, "y"), expectedGeneration: 0));
    }

    private static StoredTokenState State(long generation, string suffix) =>
        new(generation, new SalesforceToken(AccessToken + suffix, new Uri("https://fake-org.my.salesforce.com/"), DateTimeOffset.UnixEpoch.AddYears(60)), RefreshToken + suffix, "Contract");
}

public sealed class MemoryTokenStoreTests : TokenStoreContractTests
{
    public override Task InitializeAsync()
    {
        Store = new MemoryTokenStore();
        return Task.CompletedTask;
    }
}

public sealed class FileTokenStoreTests : TokenStoreContractTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("sfauth-store-");

    public override Task InitializeAsync()
    {
        Store = new FileTokenStore(Path.Combine(_directory.FullName, "tokens"), new EphemeralDataProtectionProvider());
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Files_and_their_directory_are_the_owners_alone_and_no_temporary_file_is_left()
    {
        Assert.True(await Store.TryWriteAsync(Key, new StoredTokenState(1, null, "5Aep861ModeCheck", "Contract"), expectedGeneration: 0));
        var directory = Path.Combine(_directory.FullName, "tokens");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        var files = Directory.GetFiles(directory);
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_that_could_leave_the_directory_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.ReadAsync("../escape"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.ReadAsync("a/b"));
    }
}

public sealed class RedisTokenStoreTests : TokenStoreContractTests
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public override async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = _redis.Connect();
        Store = new RedisTokenStore(_connection, new RedisTokenStoreOptions { KeyPrefix = "test:" }, new EphemeralDataProtectionProvider());
    }

    public override async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task The_lease_lapses_after_its_duration_should_the_holder_die()
    {
        var abandoned = await Store.TryAcquireLeaseAsync(Key, TimeSpan.FromMilliseconds(200));
        Assert.NotNull(abandoned);

        IAsyncDisposable? next = null;
        for (var i = 0; i < 500 && next is null; i++)
        {
            await Task.Delay(10);
            next = await Store.TryAcquireLeaseAsync(Key, TimeSpan.FromMinutes(1));
        }

        Assert.NotNull(next);
        await next.DisposeAsync();
    }

    [Fact]
    public async Task The_state_lives_no_longer_than_its_time_to_live()
    {
        Assert.True(await Store.TryWriteAsync(Key, new StoredTokenState(1, null, "5Aep861TimeToLive", "Contract"), expectedGeneration: 0));
        var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync("test:" + Key + ":state");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
    }
}
