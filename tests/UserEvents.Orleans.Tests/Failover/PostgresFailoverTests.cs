using System.Diagnostics;
using Confluent.Kafka;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Failover;

/// <summary>
/// PostgreSQL fails over under load: a silo given both servers (POSTGRES_HOST=primary,standby; Target Session Attributes
/// primary by default) while a producer runs; the standby is cut off, the primary commits on for seconds and crashes, the
/// standby is promoted without those commits. Kafka still holds the records: each must be stored once, and the receivers
/// must see the rollback themselves and read again at once, not after the stall timeout.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class PostgresFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Above the probe interval (5 s) plus a second or two of reading, far below the stall timeout (60 s) that alone
    // ended the stall before receivers looked at the store's commit history: a liveness bound, not a speed goal.
    private static readonly TimeSpan CatchUpBound = TimeSpan.FromSeconds(40);

    private KafkaTestBroker kafka = null!;
    private IProducer<string?, string> producer = null!;
    private PostgresFailoverPair? postgres;
    private SiloProcess? silo;

    private PostgresFailoverPair Pair => postgres ?? throw new InvalidOperationException("the servers are not started");

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 6);
        producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5, EnableIdempotence = true }).Build();
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            output.WriteLine(silo.Tail(60));
            await silo.DisposeAsync();
        }

        producer.Dispose();
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        await kafka.DisposeAsync();
    }

    [Fact]
    public async Task A_failover_to_a_standby_that_lost_commits_stores_every_event_once_and_the_receivers_read_again_at_once()
    {
        await StartAsync(synchronous: false);
        var produced = await ProduceAndWaitForStoredAsync(0, TimeSpan.FromSeconds(5));

        // The standby replays part of what was stored, then is cut off; the primary commits 4 s more and crashes.
        produced = await ProduceAsync(produced, TimeSpan.FromSeconds(2));
        await Pair.WaitForStandbyToCatchUpAsync(TimeSpan.FromSeconds(30));
        await Pair.StopStandbyAsync();
        produced = await ProduceAndWaitForStoredAsync(produced, TimeSpan.FromSeconds(4));
        var storedOnPrimary = await IngestionAssertions.ReadTotalsAsync(Pair.ConnectionString, kafka.Topic);
        await Pair.KillPrimaryAsync();
        await Pair.StartStandbyAsync();

        var onPromoted = await PromoteAndCatchUpAsync(produced);
        Assert.True(onPromoted.Events + onPromoted.Rejected < storedOnPrimary.Events + storedOnPrimary.Rejected, $"the promoted standby should lack the primary's last commits: {onPromoted} vs {storedOnPrimary}");
        Assert.Contains(silo!.Output, line => line.Contains("KafkaPartitionReceiver[3018]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failover_to_a_synchronous_standby_loses_nothing_and_stores_every_event_once()
    {
        await StartAsync(synchronous: true);
        var produced = await ProduceAndWaitForStoredAsync(0, TimeSpan.FromSeconds(5));
        var storedOnPrimary = await IngestionAssertions.ReadTotalsAsync(Pair.ConnectionString, kafka.Topic);
        await Pair.KillPrimaryAsync();

        var onPromoted = await PromoteAndCatchUpAsync(produced);
        Assert.Equal(storedOnPrimary.Events + storedOnPrimary.Rejected, onPromoted.Events + onPromoted.Rejected);
    }

    [Fact]
    public async Task Both_servers_down_for_30_s_then_the_standby_promoted_stores_every_event_once()
    {
        await StartAsync(synchronous: false);
        var produced = await ProduceAndWaitForStoredAsync(0, TimeSpan.FromSeconds(3));
        await Pair.WaitForStandbyToCatchUpAsync(TimeSpan.FromSeconds(30));
        await Pair.StopStandbyAsync();
        await Pair.KillPrimaryAsync();

        // Kafka keeps what is produced meanwhile; the silo waits, retrying, with both servers gone, and says it stores nothing.
        produced = await ProduceAsync(produced, TimeSpan.FromSeconds(30));
        Assert.False(silo!.HasExited, "the silo must wait for PostgreSQL, not exit");
        Assert.Equal("Unhealthy", await CheckpointsReadinessAsync());
        await Pair.StartStandbyAsync();
        await PromoteAndCatchUpAsync(produced);
        await WaitUntilAsync(async () => await CheckpointsReadinessAsync() == "Healthy", TimeSpan.FromSeconds(15));
    }

    /// <summary>The status of the kafka-checkpoints readiness check.</summary>
    private async Task<string?> CheckpointsReadinessAsync()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{silo!.HttpPort}/health/ready"));
        using var report = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return report.RootElement.GetProperty("checks").EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() == "kafka-checkpoints")
            .Select(c => c.GetProperty("status").GetString())
            .SingleOrDefault();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < timeout, $"not within {timeout}");
            await Task.Delay(500);
        }
    }

    private async Task StartAsync(bool synchronous)
    {
        postgres = await PostgresFailoverPair.StartAsync(synchronous);
        silo = await SiloProcess.StartAsync("silo-1", SiloEnvironment.For(kafka.BootstrapServers, kafka.Topic, Pair.ConnectionString, "failover"));
    }

    /// <summary>
    /// Promotes the standby, then waits until every checkpoint reaches its partition's log end (bounded) and checks that
    /// every produced event is stored once and <c>verify --deep</c> passes; returns what the promoted server held at first.
    /// </summary>
    private async Task<IngestionAssertions.Totals> PromoteAndCatchUpAsync(int produced)
    {
        await Pair.PromoteStandbyAsync();
        var promoted = Stopwatch.StartNew();
        // The test's own pooled connections still lead to the crashed primary.
        Npgsql.NpgsqlConnection.ClearAllPools();
        var onPromoted = await IngestionAssertions.ReadTotalsAsync(Pair.ConnectionString, kafka.Topic);
        output.WriteLine($"on the promoted standby at first: {onPromoted}");

        var highWatermarks = kafka.QueryHighWatermarks().Sum();
        await WaitUntilCheckpointsReachAsync(highWatermarks, CatchUpBound);
        output.WriteLine($"every checkpoint at its log end {promoted.Elapsed.TotalSeconds:F1} s after the promotion");

        var totals = await IngestionAssertions.WaitForStoredAsync(Pair.ConnectionString, kafka.Topic, produced, TimeSpan.FromSeconds(30), () => silo!.Tail());
        IngestionAssertions.AssertExactlyOnce(totals, produced, SampleEvents.MalformedCount(produced, 100));
        await IngestionAssertions.AssertVerifiedAsync(Pair.ConnectionString, kafka.BootstrapServers, kafka.Topic);
        return onPromoted;
    }

    private async Task<int> ProduceAndWaitForStoredAsync(int first, TimeSpan duration)
    {
        var produced = await ProduceAsync(first, duration);
        await IngestionAssertions.WaitForStoredAsync(Pair.ConnectionString, kafka.Topic, produced, TimeSpan.FromSeconds(60), () => silo!.Tail());
        return produced;
    }

    private async Task WaitUntilCheckpointsReachAsync(long highWatermarks, TimeSpan bound)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await PostgresServer.ScalarAsync<long>(Pair.ConnectionString, "SELECT coalesce(sum(next_offset), 0)::bigint FROM kafka_checkpoints") >= highWatermarks)
                {
                    return;
                }
            }
            catch (Npgsql.NpgsqlException)
            {
                // The promoted server may refuse connections for a moment.
            }

            Assert.True(deadline.Elapsed < bound, $"the checkpoints did not reach the log end ({highWatermarks}) within {bound} of the promotion:{Environment.NewLine}{silo!.Tail(40)}");
            await Task.Delay(200);
        }
    }

    /// <summary>Produces ~2,000 events/s (1% malformed) for <paramref name="duration"/>; returns the events produced so far.</summary>
    private async Task<int> ProduceAsync(int first, TimeSpan duration)
    {
        var next = first;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            foreach (var (key, value) in SampleEvents.Generate(200, malformedEvery: 100, firstId: next))
            {
                producer.Produce(kafka.Topic, new Message<string?, string> { Key = key, Value = value });
            }

            next += 200;
            await Task.Delay(100);
        }

        producer.Flush(TimeSpan.FromSeconds(30));
        return next;
    }
}
