using System.Runtime.InteropServices;
using System.Text;

namespace SfOAuthGen.Tool;

/// <summary>
/// Writes files that hold secrets. The contents go into a new file that is created readable by its owner only (0600)
/// and then renamed over the target, so a secret never sits in a file with looser permissions, not even for a moment,
/// and a reader who opened the old file never sees it. A symbolic link, or a file owned by another user, is refused.
/// </summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // glibc's soname: "libc" alone would need the development package's libc.so.
    private const string GlibC = "libc.so.6";

    /// <exception cref="IOException">The path is a symbolic link or belongs to another user, or the write failed.</exception>
    public static void Write(string path, string contents)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        CheckReplaceable(full);

        var temporary = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(contents));
                stream.Flush(flushToDisk: true);
            }

            // Rename is atomic: the target is the old file or the new one, never a half-written or loose one.
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Refuses to replace a symbolic link (the secret would not land where the user thinks) or another user's file.</summary>
    /// <exception cref="IOException">The path is a symbolic link or belongs to another user.</exception>
    public static void CheckReplaceable(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            throw new IOException($"{path} is a symbolic link; sfauth writes secrets only to a regular file it owns. Replace the link with a file, or point the reference elsewhere.");
        }

        if (info.Exists && OperatingSystem.IsLinux() && OwnerOf(path) is { } owner && owner != GetEffectiveUserId())
        {
            throw new IOException($"{path} is owned by another user (uid {owner}); sfauth does not write secrets into it. Remove it or give it to your user.");
        }
    }

    /// <summary>The file's owner from statx(2), whose layout is the same on every Linux architecture; null when unknown.</summary>
    private static uint? OwnerOf(string path)
    {
        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxUid = 0x8;
        const int UidOffset = 20; // struct statx: stx_mask, stx_blksize (u32 each), stx_attributes (u64), stx_nlink, stx_uid
        var buffer = new byte[256];
        try
        {
            return Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, buffer) == 0 ? BitConverter.ToUInt32(buffer, UidOffset) : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // not glibc (musl), or older than 2.28: the rename still keeps the secret out of the old file
        }
    }

    // DllImport rather than LibraryImport: blittable arguments need no generated marshalling (nor unsafe code), and
    // a string is passed as UTF-8 on Unix.
    [DllImport(GlibC, EntryPoint = "statx", ExactSpelling = true)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport(GlibC, EntryPoint = "geteuid", ExactSpelling = true)]
    private static extern uint GetEffectiveUserId();
}
