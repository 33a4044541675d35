using UserEvents.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.EndToEnd;

/// <summary>
/// The pipeline as a user runs it: the silo program started with environment variables, our local Kafka broker over TCP,
/// events produced with kcat over 6 partitions, a real PostgreSQL. Checked from outside by reconciling offsets with rows.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class SiloProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private string Topic => kafka.Topic;
    private KafkaTestBroker kafka = null!;
    private string database = "";
    private readonly List<SiloProcess> silos = [];

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 6);
        database = await PostgresServer.CreateEmptyDatabaseAsync("silo");
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in silos)
        {
            output.WriteLine($"--- {silo.Name} ---{Environment.NewLine}{silo.Tail(25)}");
            await silo.DisposeAsync();
        }

        await kafka.DisposeAsync();
    }

    [Fact]
    public async Task One_silo_stores_every_event_once_and_every_malformed_one_as_a_dead_letter()
    {
        var silo = await StartSiloAsync("silo-1", SiloEnvironment.For(kafka.BootstrapServers, Topic, database, "one"));
        var messages = SampleEvents.Generate(20_000, malformedEvery: 100);

        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, messages);

        var totals = await IngestionAssertions.WaitForStoredAsync(database, Topic, messages.Count, TimeSpan.FromSeconds(60), () => silo.Tail());
        IngestionAssertions.AssertExactlyOnce(totals, messages.Count, SampleEvents.MalformedCount(messages.Count, 100));
        Assert.Equal(6, silo.OwnedPartitions.Count);
        var eventTime = await PostgresServer.ScalarAsync<DateTime>(database, "SELECT event_timestamp FROM user_events WHERE movie_id = 0");
        Assert.Equal(new DateTime(2023, 11, 29, 5, 9, 27, 890, DateTimeKind.Utc), eventTime.ToUniversalTime());
        Assert.Equal(6L, await PostgresServer.ScalarAsync<long>(database, "SELECT count(DISTINCT kafka_partition) FROM user_events"));

        using var http = new HttpClient();
        var dashboard = await http.GetAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/dashboard"));
        Assert.True(dashboard.IsSuccessStatusCode, $"dashboard answered {dashboard.StatusCode}");
    }

    [Fact]
    public async Task A_silo_killed_mid_stream_and_restarted_loses_and_duplicates_nothing()
    {
        // Small batches, one flush at a time and a large first backlog, so the kill lands while most of it is unstored.
        var environment = SiloEnvironment.For(kafka.BootstrapServers, Topic, database, "kill");
        environment["KAFKA_MAX_RECORDS_PER_BATCH"] = "200";
        environment["WRITER_FLUSH_INTERVAL_MS"] = "100";
        environment["WRITER_MAX_CONCURRENT_FLUSHES"] = "1";
        var silo = await StartSiloAsync("silo-1", environment);
        var first = SampleEvents.Generate(150_000, malformedEvery: 100);
        var second = SampleEvents.Generate(30_000, malformedEvery: 100, firstId: 150_000);

        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, first);
        await WaitUntilAsync(async () => (await IngestionAssertions.ReadTotalsAsync(database, Topic)).Events > 0, TimeSpan.FromSeconds(30));
        await silo.KillAsync();
        var atKill = await IngestionAssertions.ReadTotalsAsync(database, Topic);
        output.WriteLine($"stored when killed: {atKill}");
        Assert.InRange(atKill.Events + atKill.Rejected, 1, first.Count - 1);

        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, second);
        await silo.StartAsync(TimeSpan.FromSeconds(90));

        var produced = first.Count + second.Count;
        var totals = await IngestionAssertions.WaitForStoredAsync(database, Topic, produced, TimeSpan.FromSeconds(90), () => silo.Tail());
        IngestionAssertions.AssertExactlyOnce(totals, produced, SampleEvents.MalformedCount(produced, 100));
        await IngestionAssertions.AssertVerifiedAsync(database, kafka.BootstrapServers, Topic);
    }

    [Fact]
    public async Task Two_silos_split_the_partitions_and_when_one_stops_the_other_finishes()
    {
        var a = await StartSiloAsync("silo-a", SiloEnvironment.For(kafka.BootstrapServers, Topic, database, "two"));
        var b = await StartSiloAsync("silo-b", SiloEnvironment.For(kafka.BootstrapServers, Topic, database, "two"));
        await WaitUntilAsync(() => Task.FromResult(a.OwnedPartitions.Count > 0 && b.OwnedPartitions.Count > 0 && a.OwnedPartitions.Count + b.OwnedPartitions.Count == 6), TimeSpan.FromSeconds(60));
        output.WriteLine($"a owns {string.Join(",", a.OwnedPartitions)}; b owns {string.Join(",", b.OwnedPartitions)}");
        Assert.Empty(a.OwnedPartitions.Intersect(b.OwnedPartitions));

        var first = SampleEvents.Generate(20_000, malformedEvery: 100);
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, first);
        var totals = await IngestionAssertions.WaitForStoredAsync(database, Topic, first.Count, TimeSpan.FromSeconds(60), () => a.Tail() + b.Tail());
        IngestionAssertions.AssertExactlyOnce(totals, first.Count, SampleEvents.MalformedCount(first.Count, 100));

        var second = SampleEvents.Generate(20_000, malformedEvery: 100, firstId: 20_000);
        var producing = Kcat.ProduceAsync(kafka.BootstrapServers, Topic, second);
        await b.StopAsync();
        await producing;

        var produced = first.Count + second.Count;
        totals = await IngestionAssertions.WaitForStoredAsync(database, Topic, produced, TimeSpan.FromSeconds(90), () => a.Tail());
        IngestionAssertions.AssertExactlyOnce(totals, produced, SampleEvents.MalformedCount(produced, 100));
        Assert.Equal(6, a.OwnedPartitions.Count);
        await IngestionAssertions.AssertVerifiedAsync(database, kafka.BootstrapServers, Topic);
    }

    [Fact]
    public async Task A_broker_restart_is_survived_and_every_event_is_stored_once()
    {
        var silo = await StartSiloAsync("silo-1", SiloEnvironment.For(kafka.BootstrapServers, Topic, database, "restart"));
        var before = SampleEvents.Generate(3_000);
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, before);
        await IngestionAssertions.WaitForStoredAsync(database, Topic, before.Count, TimeSpan.FromSeconds(60), () => silo.Tail());

        // A real broker keeps its log; LocalKafka comes back empty, and its new log of every partition stays shorter than
        // what was stored from the old one, so every partition sees its checkpoint beyond the log end (docs/ARCHITECTURE.md).
        await kafka.RestartAsync();
        var after = SampleEvents.Generate(600, firstId: 3_000);
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, after);

        var expected = before.Count + after.Count;
        var totals = await IngestionAssertions.WaitForStoredAsync(database, Topic, expected, TimeSpan.FromSeconds(90), () => silo.Tail());
        Assert.False(silo.HasExited);

        // By content: each produced event (its movie_id is unique) is one row; a log stored twice after a reset is not.
        Assert.Equal(expected, await PostgresServer.ScalarAsync<long>(database, "SELECT count(*) FROM user_events"));
        Assert.Equal(expected, await PostgresServer.ScalarAsync<long>(database, "SELECT count(DISTINCT movie_id) FROM user_events"));
        Assert.Equal(0, totals.DuplicateOffsets);
        Assert.Equal(0, totals.OffsetsWithGaps);
        Assert.Equal(0, totals.BeyondCheckpoint);
        Assert.Equal(0, totals.CounterMismatches);
        var resetPartitions = await PostgresServer.ScalarAsync<long>(database, "SELECT count(DISTINCT partition) FROM kafka_offset_resets");
        if (kafka.KeepsLogAcrossRestart)
        {
            Assert.Equal(0L, resetPartitions);
            IngestionAssertions.AssertExactlyOnce(totals, expected, 0);
        }
        else
        {
            Assert.Equal(6L, resetPartitions);
        }

        await IngestionAssertions.AssertVerifiedAsync(database, kafka.BootstrapServers, Topic);
    }

    private async Task<SiloProcess> StartSiloAsync(string name, Dictionary<string, string> environment)
    {
        var silo = await SiloProcess.StartAsync(name, environment);
        silos.Add(silo);
        return silo;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeout}");
            }

            await Task.Delay(200);
        }
    }
}

[CollectionDefinition(nameof(ProcessTests), DisableParallelization = true)]
public sealed class ProcessTests;
