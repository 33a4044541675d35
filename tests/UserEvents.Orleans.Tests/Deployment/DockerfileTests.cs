using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Deployment;

/// <summary>
/// There is no Docker engine here to build the images, so their Dockerfiles are read: every project the image needs is copied,
/// the runtime stage is non-root with a HEALTHCHECK the silo itself answers.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DockerfileTests
{
    [Theory]
    [InlineData("src/Silo/Dockerfile", "Silo")]
    [InlineData("src/Cli/Dockerfile", "Cli")]
    public void The_image_copies_every_project_it_references_and_runs_as_non_root(string dockerfile, string project)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, dockerfile));
        var projects = ReferencedProjects(project).Append(project);

        Assert.All(projects, p => Assert.Contains($"COPY src/{p}/ src/{p}/", text));
        Assert.Equal(2, text.Split('\n').Count(line => line.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains("USER $APP_UID", text);
        Assert.Contains("chiseled", text);
    }

    [Fact]
    public void The_silo_image_has_a_healthcheck_on_ready_and_listens_beyond_loopback()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src/Silo/Dockerfile"));

        Assert.Contains("""CMD ["dotnet", "UserEvents.Orleans.Silo.dll", "--healthcheck"]""", text);
        Assert.Contains("COPY sql/ sql/", text);
        Assert.Contains("HTTP_BIND=0.0.0.0", text);
    }

    private static SortedSet<string> ReferencedProjects(string project)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            var csproj = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src", current), "*.csproj").Single();
            foreach (var line in File.ReadLines(csproj).Where(l => l.Contains("<ProjectReference", StringComparison.Ordinal)))
            {
                var referenced = line.Split("../", 2)[1].Split('/')[0];
                if (found.Add(referenced))
                {
                    pending.Push(referenced);
                }
            }
        }

        return found;
    }
}
