using System.Diagnostics;
using System.Text;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Tool.Tests;

/// <summary>The .env and user-secrets files the tool writes: what a hostile value or a hand-edited file can do to them.</summary>
public class SecretStoreTests
{
    private const string Rotated = "5Aep861RotatedRefreshToken0000000000000000000000000000000000000000";

    [Theory]
    [InlineData("5Aep861abc\nINJECTED=1")]
    [InlineData("5Aep861abc\rINJECTED=1")]
    [InlineData("5Aep861abc'\nINJECTED='1")]
    [InlineData("5Aep861abc\"INJECTED")]
    [InlineData("5Aep861abc'INJECTED")]
    [InlineData("5Aep861abc\0INJECTED")]
    public async Task A_value_that_could_break_the_env_file_is_refused_and_the_file_is_left_as_it_was(string hostile)
    {
        using var workspace = new Workspace();
        File.WriteAllText(workspace.EnvFile, "OTHER=kept\n");
        var store = new SecretStore(workspace.EnvFile, () => null);

        var refused = Assert.Throws<InvalidOperationException>(() => store.Store(SecretReference.Environment(workspace.Variable), hostile));

        Assert.Contains(workspace.Variable, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("INJECTED", refused.Message, StringComparison.Ordinal);
        Assert.Equal("OTHER=kept\n", File.ReadAllText(workspace.EnvFile));
        Assert.Null((await store.FindAsync(SecretReference.Environment("INJECTED"), CancellationToken.None)).Value);
    }

    [Theory]
    [InlineData("NAME\nINJECTED")]
    [InlineData("NAME=INJECTED")]
    [InlineData("export NAME")]
    [InlineData("1NAME")]
    public void A_reference_that_is_not_a_variable_name_is_refused(string name)
    {
        using var workspace = new Workspace();
        File.WriteAllText(workspace.EnvFile, "OTHER=kept\n");
        var store = new SecretStore(workspace.EnvFile, () => null);

        var refused = Assert.Throws<InvalidOperationException>(() => store.Store(SecretReference.Environment(name), Rotated));

        Assert.Contains("does not name an environment variable", refused.Message, StringComparison.Ordinal);
        Assert.Equal("OTHER=kept\n", File.ReadAllText(workspace.EnvFile));
    }

    [Theory]
    [InlineData("5Aep861plain.value!with=signs")]
    [InlineData("00Dxx0000001gPL!AQ4AQFkS.x_Y-z")]
    [InlineData("with space#and$dollar`and\\slash")]
    public async Task Values_without_quotes_or_line_breaks_round_trip(string value)
    {
        using var workspace = new Workspace();
        var store = new SecretStore(workspace.EnvFile, () => null);
        var reference = SecretReference.Environment(workspace.Variable);

        store.Store(reference, value);

        Assert.Equal(value, (await store.FindAsync(reference, CancellationToken.None)).Value);
        Assert.Single(File.ReadAllLines(workspace.EnvFile));
    }

    [Fact]
    public async Task With_duplicate_keys_the_writer_replaces_the_value_the_reader_uses_and_leaves_one_line()
    {
        using var workspace = new Workspace();
        var name = workspace.Variable;
        File.WriteAllText(workspace.EnvFile, $"{name}=5Aep861First\nOTHER=kept\nexport {name}=5Aep861Second\n");
        var store = new SecretStore(workspace.EnvFile, () => null);
        var reference = SecretReference.Environment(name);
        Assert.Equal("5Aep861Second", (await store.FindAsync(reference, CancellationToken.None)).Value);

        store.Store(reference, Rotated);

        Assert.Equal(Rotated, (await store.FindAsync(reference, CancellationToken.None)).Value);
        var lines = File.ReadAllLines(workspace.EnvFile);
        Assert.Single(lines, line => line.Contains(name, StringComparison.Ordinal));
        Assert.Contains("OTHER=kept", lines);
    }

    [Fact]
    public async Task Removing_a_duplicated_key_removes_every_occurrence()
    {
        using var workspace = new Workspace();
        var name = workspace.Variable;
        File.WriteAllText(workspace.EnvFile, $"{name}=5Aep861First\nOTHER=kept\n{name}=5Aep861Second\n");
        var store = new SecretStore(workspace.EnvFile, () => null);
        var reference = SecretReference.Environment(name);

        store.Store(reference, null);

        Assert.Null((await store.FindAsync(reference, CancellationToken.None)).Value);
        Assert.Equal("OTHER=kept\n", File.ReadAllText(workspace.EnvFile));
    }

    [Fact]
    public void An_existing_world_readable_env_file_never_holds_the_secret_while_readable()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows has no file modes; the user's profile ACLs protect the file.
        }

        using var workspace = new Workspace();
        File.WriteAllText(workspace.EnvFile, "OTHER=kept\n");
        File.SetUnixFileMode(workspace.EnvFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var store = new SecretStore(workspace.EnvFile, () => null);

        // Someone who opened the loose file before the write keeps reading that inode: the secret must not land in it.
        using var reader = new FileStream(workspace.EnvFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        store.Store(SecretReference.Environment(workspace.Variable), Rotated);

        using var stale = new StreamReader(reader, Encoding.UTF8);
        Assert.DoesNotContain(Rotated, stale.ReadToEnd(), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(workspace.EnvFile));
        Assert.Contains(Rotated, File.ReadAllText(workspace.EnvFile), StringComparison.Ordinal);
        Assert.Contains("OTHER=kept", File.ReadAllText(workspace.EnvFile), StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlinked_env_file_is_refused_and_its_target_is_not_written()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // creating symbolic links needs a privilege on Windows
        }

        using var workspace = new Workspace();
        var target = Path.Combine(workspace.Directory, "elsewhere.txt");
        File.WriteAllText(target, "public\n");
        File.CreateSymbolicLink(workspace.EnvFile, target);
        var store = new SecretStore(workspace.EnvFile, () => null);

        var refused = Assert.Throws<IOException>(() => store.Store(SecretReference.Environment(workspace.Variable), Rotated));

        Assert.Contains("symbolic link", refused.Message, StringComparison.Ordinal);
        Assert.Equal("public\n", File.ReadAllText(target));
    }

    [Fact]
    public void A_file_owned_by_another_user_is_refused()
    {
        // Giving a file away needs root; CI runs as root, so this always runs there.
        Assert.True(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, "this test runs on Linux as root (as CI does)");
        using var workspace = new Workspace();
        File.WriteAllText(workspace.EnvFile, "OTHER=kept\n");
        using (var chown = Process.Start(new ProcessStartInfo("chown", ["65534", workspace.EnvFile]) { RedirectStandardError = true })!)
        {
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }

        var store = new SecretStore(workspace.EnvFile, () => null);

        var refused = Assert.Throws<IOException>(() => store.Store(SecretReference.Environment(workspace.Variable), Rotated));

        Assert.Contains("owned by another user", refused.Message, StringComparison.Ordinal);
        Assert.Equal("OTHER=kept\n", File.ReadAllText(workspace.EnvFile));
    }

    [Fact]
    public async Task A_malformed_user_secrets_file_is_reported_by_place_without_its_contents()
    {
        using var workspace = new Workspace();
        workspace.WriteManifest(workspace.WebServerOrg(refreshToken: "config:Salesforce:Dev:RefreshToken"));
        var secrets = Path.Combine(workspace.Directory, "secrets.json");
        File.WriteAllText(secrets, "{\n  \"Salesforce:Dev:RefreshToken\": t5Aep861LeakedIfQuoted\n}\n");

        var check = await workspace.RunAsync("check", "--manifest", workspace.Manifest, "--secrets-file", secrets);
        var token = await workspace.RunAsync("token", "Dev", "--manifest", workspace.Manifest, "--secrets-file", secrets, "--login-url", "http://127.0.0.1:9/");

        foreach (var run in new[] { check, token })
        {
            Assert.DoesNotContain("5Aep", run.Out + run.Error, StringComparison.Ordinal);
            Assert.Equal(SfAuthTool.Configuration, run.Code);
        }

        Assert.Contains($"{secrets}: line 2", check.Out + check.Error, StringComparison.Ordinal);
        Assert.Contains("config:Salesforce:Dev:RefreshToken", token.Error, StringComparison.Ordinal);
    }
}
