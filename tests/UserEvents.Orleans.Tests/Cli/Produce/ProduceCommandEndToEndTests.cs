using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.LocalKafka;

namespace UserEvents.Orleans.Tests.Cli.Produce;

/// <summary>The built <c>user-events produce</c> against LocalKafka, checked with kcat.</summary>
public sealed partial class ProduceCommandEndToEndTests(LocalKafkaFixture fixture) : IClassFixture<LocalKafkaFixture>
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Produce_5000_sends_valid_events_keyed_by_user_id()
    {
        var kafka = fixture.Kafka;

        var result = await RunCliAsync("produce", "--brokers", kafka.BootstrapServers, "--topic", kafka.Topic, "--count", "5000", "--rate", "0", "--seed", "11");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var summary = Summary().Match(result.StandardOutput.Trim());
        Assert.True(summary.Success, result.StandardOutput);
        Assert.Equal("5000", summary.Groups["events"].Value);
        Assert.Equal("0", summary.Groups["malformed"].Value);

        var records = await Kcat.ConsumeAsync(kafka.BootstrapServers, kafka.Topic, 5000, TimeSpan.FromSeconds(20));
        Assert.All(records, record =>
        {
            var parsed = StrictUserEvent.TryParse(Encoding.UTF8.GetBytes(record.Value!));
            Assert.NotNull(parsed);
            Assert.Equal(parsed.UserId.ToString(CultureInfo.InvariantCulture), record.Key);
        });
        Assert.Equal(5000, (await Kcat.WatermarksAsync(kafka.BootstrapServers, kafka.Topic)).Sum(partition => partition.Count));
    }

    [Fact]
    public async Task The_malformed_count_in_the_summary_matches_what_reaches_the_topic()
    {
        var kafka = fixture.Kafka;
        const string Topic = "malformed-mix";

        var result = await RunCliAsync("produce", "--brokers", kafka.BootstrapServers, "--topic", Topic, "--count", "2000", "--rate", "0", "--malformed-percent", "10");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var summary = Summary().Match(result.StandardOutput.Trim());
        Assert.True(summary.Success, result.StandardOutput);
        var malformed = int.Parse(summary.Groups["malformed"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(malformed, 140, 260);

        var records = await Kcat.ConsumeAsync(kafka.BootstrapServers, Topic, 2000, TimeSpan.FromSeconds(20));
        Assert.Equal(malformed, records.Count(record => StrictUserEvent.TryParse(Encoding.UTF8.GetBytes(record.Value ?? string.Empty)) is null));
    }

    [Fact]
    public async Task Sigterm_stops_an_endless_run_cleanly_with_everything_sent_delivered()
    {
        var kafka = fixture.Kafka;
        const string Topic = "endless";
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { CliDll, "produce", "--brokers", kafka.BootstrapServers, "--topic", Topic, "--count", "0", "--rate", "2000" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // SIGTERM once records arrive: a fixed delay raced the CLI's start-up on a busy machine (0 events sent).
        var deadline = DateTime.UtcNow + CliTimeout;
        while (await RecordsInAsync(kafka.BootstrapServers, Topic) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        PosixSignals.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(CliTimeout);
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await errors);
        var summary = Summary().Match((await output).Trim());
        Assert.True(summary.Success, await output);
        var produced = long.Parse(summary.Groups["events"].Value, CultureInfo.InvariantCulture);
        Assert.True(produced > 0, await output);
        Assert.Equal(produced, (await Kcat.WatermarksAsync(kafka.BootstrapServers, Topic)).Sum(partition => partition.Count));
    }

    private static async Task<long> RecordsInAsync(string brokers, string topic)
    {
        try
        {
            return (await Kcat.WatermarksAsync(brokers, topic)).Sum(partition => partition.Count);
        }
        catch (InvalidOperationException)
        {
            return 0; // the producer has not created the topic yet
        }
    }

    private static string CliDll => RepositoryPaths.ProgramDll("Cli", "user-events");

    private static Task<ProcessResult> RunCliAsync(params string[] arguments) => ProcessRunner.RunAsync("dotnet", [CliDll, .. arguments], CliTimeout);

    [GeneratedRegex("""^produced (?<events>\d+) events \((?<malformed>\d+) malformed\) in \d+\.\d\d s \(\d+ events/s\)$""")]
    private static partial Regex Summary();
}
