using SfOAuthGen.Runtime.Tests.Infrastructure;

namespace SfOAuthGen.Runtime.Tests;

/// <summary>
/// The README's "Add it to your project" works from the user's app: no command edits this repository's NuGet.config,
/// the packages come through package source mapping, and the global packages cache is explained. (The fresh-consumer
/// check in .ci/run restores with the README's nuget.config into an empty packages folder.)
/// </summary>
public class ReadmeInstallTests
{
    private static string Section()
    {
        var readme = RepositoryFiles.Read("README.md").ReplaceLineEndings("\n");
        var start = readme.IndexOf("\n## Add it to your project\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no 'Add it to your project' section");
        var end = readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        return readme[start..end];
    }

    [Fact]
    public void The_install_commands_run_in_the_apps_directory_and_map_the_packages_to_their_folder()
    {
        var section = Section();

        Assert.DoesNotContain("$PWD/artifacts", section, StringComparison.Ordinal); // from the repo root, that edits the repo's own NuGet.config
        Assert.Contains("in your app's directory", section, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<packageSourceMapping>", section, StringComparison.Ordinal);
        Assert.Contains("<package pattern=\"SfOAuthGen.*\" />", section, StringComparison.Ordinal);
        Assert.Contains("dotnet add package SfOAuthGen --version", section, StringComparison.Ordinal);
    }

    [Fact]
    public void The_install_section_warns_that_a_repacked_version_is_shadowed_by_the_global_packages_folder()
    {
        var section = Section();

        Assert.Contains("global packages folder", section, StringComparison.Ordinal);
        Assert.Contains("-p:Version=", section, StringComparison.Ordinal);
        Assert.Contains("sfoauthgen.runtime", section, StringComparison.Ordinal);
    }
}
