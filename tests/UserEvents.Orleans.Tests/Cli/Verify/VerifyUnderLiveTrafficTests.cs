using System.Globalization;
using Npgsql;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Cli.Verify;

/// <summary>
/// <c>verify</c> while events flow: it must read PostgreSQL before Kafka, so every checkpoint it holds is at or below the
/// high watermark it reads next. Read the other way round, checkpoints committed meanwhile lie beyond the watermarks
/// read earlier, and it reported "checkpoint beyond Kafka's log end: the broker lost records" for busy partitions.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class VerifyUnderLiveTrafficTests
{
    [Fact]
    public async Task Verify_under_live_traffic_reports_no_lost_records_and_nothing_missing()
    {
        var database = await PostgresServer.CreateEmptyDatabaseAsync("verifylive");
        await using var kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 6);
        await using var silo = await SiloProcess.StartAsync("verifylive", SiloEnvironment.For(kafka.BootstrapServers, kafka.Topic, database, "verifylive"));
        await Kcat.ProduceAsync(kafka.BootstrapServers, kafka.Topic, SampleEvents.Generate(600));
        await IngestionAssertions.WaitForStoredAsync(database, kafka.Topic, 600, TimeSpan.FromSeconds(60), () => silo.Tail());

        using var producing = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            var next = 600;
            while (!producing.IsCancellationRequested)
            {
                await Kcat.ProduceAsync(kafka.BootstrapServers, kafka.Topic, SampleEvents.Generate(300, firstId: next));
                next += 300;
            }
        });
        var outputs = new List<string>();
        try
        {
            for (var run = 0; run < 5; run++)
            {
                var result = await VerifyAsync(database, kafka.BootstrapServers, kafka.Topic);
                outputs.Add(result.StandardOutput + result.StandardError);
                Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
            }
        }
        finally
        {
            await producing.CancelAsync();
            await traffic;
        }

        Assert.All(outputs, output => Assert.DoesNotContain("beyond Kafka's log end", output, StringComparison.Ordinal));
        Assert.All(outputs, output => Assert.Contains(" 0 missing, 0 duplicated, 0 unexpected", output, StringComparison.Ordinal));
    }

    private static Task<ProcessResult> VerifyAsync(string database, string brokers, string topic)
    {
        var pg = new NpgsqlConnectionStringBuilder(database);
        return UserEventsCli.RunAsync(
            new Dictionary<string, string>
            {
                ["POSTGRES_HOST"] = pg.Host!,
                ["POSTGRES_PORT"] = pg.Port.ToString(CultureInfo.InvariantCulture),
                ["POSTGRES_DB"] = pg.Database!,
                ["POSTGRES_USER"] = pg.Username!,
                ["POSTGRES_PASSWORD"] = pg.Password!,
            },
            "verify", "--brokers", brokers, "--topic", topic);
    }
}
