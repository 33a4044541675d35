namespace UserEvents.Orleans.Testing;

/// <summary>Finds the checkout, the built programs (LocalKafka, Silo) of this program's configuration and scripts/postgres.sh.</summary>
public sealed class RepositoryLayout
{
    private RepositoryLayout(string root, string configuration)
    {
        Root = root;
        Configuration = configuration;
    }

    public string Root { get; }

    /// <summary>Release or Debug: the configuration this program was built with.</summary>
    public string Configuration { get; }

    public string LocalKafkaDll => ProgramDll("tests/LocalKafka", "UserEvents.Orleans.LocalKafka");

    public string SiloDll => ProgramDll("src/Silo", "UserEvents.Orleans.Silo");

    public string PostgresScript => Path.Combine(Root, "scripts", "postgres.sh");

    public static RepositoryLayout Locate()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Debug"
            : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UserEvents.Orleans.sln")))
            {
                return new RepositoryLayout(dir.FullName, configuration);
            }
        }

        throw new InvalidOperationException("UserEvents.Orleans.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The built dll of a project, by its folder from the root: <c>ProgramDll("tests/Chaos", "UserEvents.Orleans.Chaos")</c>.</summary>
    public string ProgramDll(string projectFolder, string assemblyName)
    {
        var path = Path.Combine(Root, projectFolder, "bin", Configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Build the solution first: dotnet build UserEvents.Orleans.sln -c {Configuration}", path);
    }
}
