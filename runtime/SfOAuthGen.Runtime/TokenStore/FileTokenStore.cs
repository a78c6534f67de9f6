using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;

namespace SfOAuthGen.Runtime;

/// <summary>
/// Keeps token states in files, one per chain, in a directory the app names: for services on one machine that restart,
/// or run as several processes. Files are created readable by their owner only (0600, in a 0700 directory) before any
/// secret is written, and replaced atomically (write a temporary file, then rename). The renewal lease is an OS lock
/// on a lock file, so several processes renew once and a process that dies releases it at once.
/// </summary>
/// <remarks>
/// With an <see cref="IDataProtectionProvider"/> the credentials are encrypted at rest; without one they are in clear,
/// protected by the file mode alone, and the store logs a warning saying so when created.
/// </remarks>
public sealed partial class FileTokenStore : ISalesforceTokenStore
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;

    private readonly TokenStateCodec _codec;

    /// <summary>Creates a store in <paramref name="directory"/>, creating the directory (0700) when missing.</summary>
    /// <param name="directory">Where the state files go; the app's own, not shared with other users.</param>
    /// <param name="dataProtection">Encrypts the stored credentials when given (recommended).</param>
    /// <param name="logger">Receives the warning about credentials stored in clear.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    public FileTokenStore(string directory, IDataProtectionProvider? dataProtection = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, OwnerOnlyDirectory);
        }

        _codec = new TokenStateCodec(dataProtection);
        if (!_codec.Protects && logger is not null)
        {
            LogInClear(logger, Directory);
        }
    }

    /// <summary>The directory holding the state files.</summary>
    public string Directory { get; }

    /// <inheritdoc/>
    public string Description => $"file store in {Directory}";

    /// <inheritdoc/>
    public bool IsPersistent => true;

    /// <inheritdoc/>
    public async ValueTask<StoredTokenState?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadBytesAsync(StatePath(key), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : _codec.Decode(bytes);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryWriteAsync(string key, StoredTokenState state, long expectedGeneration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var path = StatePath(key);
        // The compare and the rename happen under a lock of their own: the renewal lease may be held by this very write's caller.
        using var writeLock = await LockAsync(path + ".write", cancellationToken).ConfigureAwait(false);
        var current = await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false);
        if (TokenStateCodec.ReadGeneration(current) != expectedGeneration)
        {
            return false;
        }

        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, CreateOwnerOnly()))
            {
                await file.WriteAsync(_codec.Encode(state), cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary); // gone after a successful rename; a failed write leaves nothing behind
        }

        return true;
    }

    /// <inheritdoc/>
    /// <remarks>The lease lasts until released or until the holding process exits; <paramref name="duration"/> is not needed.</remarks>
    public ValueTask<IAsyncDisposable?> TryAcquireLeaseAsync(string key, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var stream = TryLock(StatePath(key) + ".lease");
        return new ValueTask<IAsyncDisposable?>(stream is null ? null : new Lease(stream));
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        File.Delete(StatePath(key));
        return ValueTask.CompletedTask;
    }

    private string StatePath(string key)
    {
        // Keys are the runtime's hashes; anything else that could leave the directory is refused.
        if (key.Length == 0 || key.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") >= 0 || key.StartsWith('.'))
        {
            throw new ArgumentException($"'{key}' is not a token store key.", nameof(key));
        }

        return Path.Combine(Directory, key + ".json");
    }

    private static async ValueTask<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static FileStreamOptions CreateOwnerOnly()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }

    private static FileStream? TryLock(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            return new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null; // another holder's lock
        }
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        // Held for a read and a rename: a few milliseconds. Poll briefly rather than block a thread.
        var delay = 1;
        while (true)
        {
            if (TryLock(path) is { } stream)
            {
                return stream;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 50);
        }
    }

    [LoggerMessage(EventId = 20, EventName = "TokenStoreInClear", Level = LogLevel.Warning,
        Message = "The token store in {Directory} holds access and refresh tokens in clear (file mode 0600 only): register ASP.NET Core Data Protection (services.AddDataProtection()) to encrypt them.")]
    private static partial void LogInClear(ILogger logger, string directory);

    private sealed class Lease(FileStream stream) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
