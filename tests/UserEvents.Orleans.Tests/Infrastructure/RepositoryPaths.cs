namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>Finds the checkout and the build output of the programs the tests start as processes.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration this test assembly was built with.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>
    /// The built dll of a product project (under src/) or a harness program (under tests/), e.g.
    /// ProgramDll("LocalKafka", "UserEvents.Orleans.LocalKafka").
    /// </summary>
    public static string ProgramDll(string projectFolder, string assemblyName)
    {
        var path = new[] { "src", "tests" }
            .Select(folder => Path.Combine(Root, folder, projectFolder, "bin", Configuration, "net10.0", assemblyName + ".dll"))
            .FirstOrDefault(File.Exists) ?? Path.Combine(Root, "src", projectFolder, "bin", Configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Build {projectFolder} first (dotnet build UserEvents.Orleans.sln -c {Configuration})", path);
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UserEvents.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("UserEvents.Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
