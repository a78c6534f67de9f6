namespace SfOAuthGen.Runtime.Tests.Infrastructure;

/// <summary>Files of this repository (docs, README), found from the test's output folder.</summary>
internal static class RepositoryFiles
{
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SfOAuthGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SfOAuthGen.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Read(params string[] path) => File.ReadAllText(Path.Combine([Root(), .. path]));
}
