using System.Globalization;
using System.Text.Json;
using Npgsql;
using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Partitions;

/// <summary>
/// Retention as a user runs it: a silo process with one-minute partitions and one minute of retention ingests from our
/// local Kafka, its own maintenance service drops the partitions of the first events once their minute is past the
/// retention, and afterwards the stats API and <c>verify</c> agree with what SQL counts in the rows that are left.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class SiloRetentionTests
{
    private const string Topic = "user-events";
    private const int FirstWave = 300;
    private const int SecondWave = 200;
    private const int MalformedEvery = 25;

    [Fact]
    public async Task A_silo_drops_the_minutes_past_the_retention_and_the_stats_and_verify_agree_with_the_rows_left()
    {
        await using var kafka = await LocalKafkaBroker.StartAsync(Topic, partitions: 3);
        // The legacy partitions end at the start of this minute, so the silo's one-minute partitions follow from there.
        var ticks = DateTimeOffset.UtcNow.UtcTicks;
        await using var partitioned = await PartitionedDatabase.CreateAsync(legacyEnd: new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero));
        var database = partitioned.OwnerConnectionString;
        var environment = SiloEnvironment.For(kafka.BootstrapServers, Topic, database, "retention");
        environment[PartitionSettings.IntervalVariable] = "1 minute";
        environment[PartitionSettings.RetentionVariable] = "1 minute";
        environment[PartitionSettings.MaintenanceVariable] = "2";
        await using var silo = await SiloProcess.StartAsync("retention", environment);

        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(FirstWave, MalformedEvery));
        await IngestionAssertions.WaitForStoredAsync(database, Topic, FirstWave, TimeSpan.FromSeconds(60), () => silo.Tail());
        var lastMinute = await PostgresServer.ScalarAsync<DateTime>(database, "SELECT max(date_trunc('minute', processed_at, 'UTC')) FROM user_events");
        var firstMinute = await PostgresServer.ScalarAsync<DateTime>(database, "SELECT min(date_trunc('minute', processed_at, 'UTC')) FROM user_events");

        // A minute's partition ends a minute after it starts and may go once its end is a minute old: plain arithmetic.
        var droppable = new DateTimeOffset(lastMinute, TimeSpan.Zero).AddMinutes(2);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(4);
        while (await PostgresServer.ScalarAsync<long>(database, "SELECT (SELECT count(*) FROM user_events) + (SELECT count(*) FROM user_events_rejected)") > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"the first events were not dropped by {deadline:O}\n{silo.Tail()}");
            await Task.Delay(1_000);
        }

        var goneAt = await PostgresServer.ScalarAsync<DateTime>(database, "SELECT now() AT TIME ZONE 'UTC'");
        Assert.True(new DateTimeOffset(goneAt, TimeSpan.Zero) >= droppable, $"dropped at {goneAt:O}, before its partition was past the retention ({droppable:O})");
        Assert.Contains(silo.Output, line => line.Contains($"user_events_p{firstMinute:yyyyMMdd't'HHmm}", StringComparison.Ordinal) && line.Contains("dropped with its counters", StringComparison.Ordinal));

        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(SecondWave, MalformedEvery, firstId: FirstWave));
        var totals = await IngestionAssertions.WaitForStoredAsync(database, Topic, SecondWave, TimeSpan.FromSeconds(60), () => silo.Tail());

        var malformed = SampleEvents.MalformedCount(SecondWave, MalformedEvery, firstId: FirstWave);
        Assert.Equal(SecondWave - malformed, totals.Events);
        Assert.Equal(malformed, totals.Rejected);
        Assert.Equal(0, totals.DuplicateOffsets);
        Assert.Equal(FirstWave + SecondWave, totals.CheckpointSum);
        RowCounts.AssertNone(await RowCounts.CounterMismatchesAsync(database));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };
        using var stats = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/stats", UriKind.Relative)));
        Assert.Equal(totals.Events, stats.RootElement.GetProperty("eventsStored").GetInt64());
        Assert.Equal(totals.Rejected, stats.RootElement.GetProperty("eventsRejected").GetInt64());

        var verify = await VerifyAsync(kafka, database);
        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
        Assert.Contains("0 missing, 0 duplicated, 0 unexpected; 0 miscounted ranges, 0 counter mismatches", verify.StandardOutput, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> VerifyAsync(LocalKafkaBroker kafka, string database)
    {
        var pg = new NpgsqlConnectionStringBuilder(database);
        return UserEventsCli.RunAsync(
            new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = pg.Password! },
            [
                "verify", "--brokers", kafka.BootstrapServers, "--topic", Topic,
                "--postgres-host", pg.Host!, "--postgres-port", pg.Port.ToString(CultureInfo.InvariantCulture),
                "--postgres-db", pg.Database!, "--postgres-user", pg.Username!,
            ]);
    }
}
