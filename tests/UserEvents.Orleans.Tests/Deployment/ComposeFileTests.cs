using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Deployment;

/// <summary>
/// docker-compose.yml is checked by Debian's docker-compose (1.29, no engine needed: <c>config -q</c>), which must also refuse a
/// broken copy. scripts/test.sh and .ci/run install docker-compose when it is missing.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Docker_compose_accepts_the_compose_file_and_lists_every_service()
    {
        var check = await ComposeAsync("docker-compose.yml", "config", "-q");
        var services = await ComposeAsync("docker-compose.yml", "config", "--services");

        Assert.True(check.ExitCode == 0, check.StandardError);
        Assert.Equal(["kafka", "kafka-init", "migrate", "postgres", "producer", "silo"], services.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Theory]
    [InlineData("condition: service_completed_successfully", "condition: service_finished")]
    [InlineData("replicas: 2", "replicas: two")]
    [InlineData("    stop_grace_period: 60s", "    stop_grace_period: 60s\n    restart_policy_typo: always")]
    public async Task Docker_compose_refuses_a_broken_copy(string original, string broken)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"));
        Assert.Contains(original, text);
        var copy = $"docker-compose.broken-{Guid.NewGuid():N}.yml";
        var path = Path.Combine(RepositoryPaths.Root, copy);
        await File.WriteAllTextAsync(path, text.Replace(original, broken, StringComparison.Ordinal));
        try
        {
            var check = await ComposeAsync(copy, "config", "-q");

            Assert.NotEqual(0, check.ExitCode);
            Assert.NotEmpty(check.StandardError);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Task<ProcessResult> ComposeAsync(string file, params string[] arguments) =>
        ProcessRunner.RunAsync(
            "docker-compose",
            ["--project-directory", RepositoryPaths.Root, "-f", Path.Combine(RepositoryPaths.Root, file), .. arguments],
            Timeout,
            environment: new Dictionary<string, string> { ["HTTP_AUTH_TOKEN"] = "a-token-for-the-compose-check" });
}
