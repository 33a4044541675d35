using System.Diagnostics;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Configuration;

/// <summary>Bad configuration stops the silo program at start, with a message that names each wrong setting.</summary>
public sealed class SiloConfigurationTests
{
    [Fact]
    public async Task Wrong_settings_stop_the_silo_with_exit_code_2_naming_every_variable()
    {
        var (exitCode, output) = await RunSiloAsync(new Dictionary<string, string>
        {
            ["KAFKA_STARTING_OFFSETS"] = "newest",
            ["POSTGRES_PORT"] = "seventy",
            ["ORLEANS_GATEWAY_PORT"] = "70000",
            ["KAFKA_BROKER"] = "localhost",
            ["KAFKA_TOPIC"] = "bad topic!",
            ["WRITER_FLUSH_INTERVAL_MS"] = "-1",
            ["KAFKA_PARTITION_CHECK_SECONDS"] = "0",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("KAFKA_STARTING_OFFSETS='newest' must be one of: latest, earliest", output);
        Assert.Contains("POSTGRES_PORT='seventy' is not a whole number from 1 to 65535", output);
        Assert.Contains("ORLEANS_GATEWAY_PORT='70000'", output);
        Assert.Contains("KAFKA_BROKER entry 'localhost' is not host:port", output);
        Assert.Contains("KAFKA_TOPIC 'bad topic!' is not a legal Kafka topic name", output);
        Assert.Contains("WRITER_FLUSH_INTERVAL_MS='-1'", output);
        Assert.Contains("KAFKA_PARTITION_CHECK_SECONDS='0'", output);
    }

    [Fact]
    public async Task Equal_ports_are_refused()
    {
        var (exitCode, output) = await RunSiloAsync(new Dictionary<string, string> { ["HTTP_PORT"] = "11111" });

        Assert.Equal(2, exitCode);
        Assert.Contains("ORLEANS_SILO_PORT (11111), ORLEANS_GATEWAY_PORT (30000) and HTTP_PORT (11111) must differ", output);
    }

    private static async Task<(int ExitCode, string Output)> RunSiloAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(RepositoryPaths.ProgramDll("Silo", "UserEvents.Orleans.Silo"));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stderr + await stdout);
    }
}
