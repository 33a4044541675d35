using System.IO.Compression;
using System.Xml.Linq;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Packaging;

/// <summary>
/// The provider as a user gets it: packed from a clean repository with no remote (warnings as errors) into a local feed,
/// and tests/PackageConsumer, a project outside the solution that knows the provider only through that package, builds
/// against it and configures a silo with it.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class ProviderPackageTests : IDisposable
{
    private static readonly TimeSpan DotnetTimeout = TimeSpan.FromMinutes(10);

    private readonly string work = Directory.CreateTempSubdirectory("provider-package-").FullName;
    private readonly string version = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    public void Dispose()
    {
        Directory.Delete(work, recursive: true);
        // Each run packs a version of its own, so that the packages folder never hands out an older build of it.
        var cached = Path.Combine(GlobalPackagesFolder(), "orleanskafka.streaming", version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }
    }

    [Fact]
    public async Task A_project_outside_the_solution_configures_a_silo_from_the_packed_package_alone()
    {
        var feed = Directory.CreateDirectory(Path.Combine(work, "feed")).FullName;
        var clone = await CleanCloneOfTheProviderAsync();

        await RunAsync("dotnet", ["pack", Path.Combine(clone, "src", "Streaming.Kafka", "OrleansKafka.Streaming.csproj"), "-c", "Release", "-nologo", "-warnaserror", "-o", feed, $"-p:Version={version}"]);

        var package = Path.Combine(feed, $"OrleansKafka.Streaming.{version}.nupkg");
        Assert.True(File.Exists(Path.Combine(feed, $"OrleansKafka.Streaming.{version}.snupkg")), "no symbol package");
        using (var nupkg = ZipFile.OpenRead(package))
        {
            var entries = nupkg.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("README.md", entries);
            Assert.Contains("lib/net10.0/OrleansKafka.Streaming.dll", entries);
            Assert.Contains("lib/net10.0/OrleansKafka.Streaming.xml", entries);
            await using var nuspecStream = nupkg.GetEntry("OrleansKafka.Streaming.nuspec")!.Open();
            var nuspec = await XDocument.LoadAsync(nuspecStream, LoadOptions.None, default);
            var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
            Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
            Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
            var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToArray();
            Assert.Contains("Microsoft.Orleans.Streaming", dependencies);
            Assert.DoesNotContain(dependencies, id => id!.StartsWith("UserEvents", StringComparison.Ordinal) || id.Contains("PublicApiAnalyzers", StringComparison.Ordinal));
        }

        var consumer = Path.Combine(work, "consumer");
        CopyTree(Path.Combine(RepositoryPaths.Root, "tests", "PackageConsumer"), consumer);
        // The local feed beside the machine's own sources (nothing cleared), which serve Orleans and Confluent.Kafka.
        await File.WriteAllTextAsync(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="provider-under-test" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await RunAsync("dotnet", ["build", Path.Combine(consumer, "PackageConsumer.csproj"), "-c", "Release", "-nologo", "-warnaserror", $"-p:OrleansKafkaStreamingVersion={version}"]);

        var run = await RunAsync("dotnet", [Path.Combine(consumer, "bin", "Release", "net10.0", "PackageConsumer.dll"), "--no-run"]);
        Assert.Contains("configured: provider kafka, topic orders, meter UserEvents.Orleans.Streaming.Kafka", run.StandardOutput);
    }

    /// <summary>The provider's sources as they are in this checkout, in a new repository with one commit and no remote.</summary>
    private async Task<string> CleanCloneOfTheProviderAsync()
    {
        var clone = Path.Combine(work, "clone");
        CopyTree(Path.Combine(RepositoryPaths.Root, "src", "Streaming.Kafka"), Path.Combine(clone, "src", "Streaming.Kafka"));
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Root, file), Path.Combine(clone, file));
        }

        await RunAsync("git", ["-C", clone, "-c", "init.defaultBranch=main", "init", "-q"]);
        await RunAsync("git", ["-C", clone, "add", "-A"]);
        await RunAsync("git", ["-C", clone, "-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-q", "-m", "provider"]);
        return clone;
    }

    private static async Task<ProcessResult> RunAsync(string program, string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, DotnetTimeout);
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
        return result;
    }

    /// <summary>Copies a project folder without its build output.</summary>
    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopyTree(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
