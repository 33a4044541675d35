using System.Globalization;
using Npgsql;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.Observability;

namespace UserEvents.Orleans.Tests.Streaming.Transactions;

/// <summary>
/// A topic written by a transactional producer, on the real broker: read_committed never hands out the aborted records
/// nor the transaction markers, yet every checkpoint must reach its partition's log end, the lag return to 0, and
/// <c>verify</c> prove the ranges that cover those offsets (and still catch a row missing in one of them).
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class TransactionalTopicTests
{
    private const int Partitions = 3;
    private const int Transactions = 6;
    private const int CommittedSize = 120;
    private const int AbortedSize = 40;

    // Aborted events carry movie ids from here on, so a stored one is easy to find.
    private const int AbortedFirstId = 100_000;
    private static readonly TimeSpan CheckpointsAtLogEndWithin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TransactionTimeout = TimeSpan.FromSeconds(10);

    [RealKafkaFact]
    public async Task Committed_events_are_stored_once_aborted_never_and_every_checkpoint_reaches_the_log_end()
    {
        await using var run = await TransactionalRun.StartAsync("txnmix", Partitions);
        WriteInterleaved(run);
        var finished = DateTime.UtcNow;

        var totals = await IngestionAssertions.WaitForStoredAsync(run.Database, run.Topic.Topic, Transactions * CommittedSize, TimeSpan.FromSeconds(60), () => run.Silo.Tail());
        await run.WaitForCheckpointsAtLogEndAsync(finished + CheckpointsAtLogEndWithin);

        Assert.Equal(Transactions * CommittedSize, totals.Events);
        Assert.Equal(0, totals.Rejected);
        Assert.Equal(0, totals.DuplicateOffsets);
        Assert.Equal(0, totals.OffsetsWithGaps);
        Assert.Equal(0, totals.BeyondCheckpoint);
        Assert.Equal(0, totals.CounterMismatches);
        Assert.Equal(0, await PostgresServer.ScalarAsync<long>(run.Database, $"SELECT count(*) FROM user_events WHERE movie_id >= {AbortedFirstId}"));
        Assert.Equal(0, await run.ReadLagAsync());
        Assert.True(await PostgresServer.ScalarAsync<long>(run.Database, "SELECT count(*) FROM kafka_commit_ledger WHERE delivered < to_offset - from_offset") > 0);

        // Once everything is stored, an aborted transaction alone: ranges without a single record move the checkpoints.
        var endsBefore = run.Topic.QueryHighWatermarks();
        using (var producer = run.Producer("alone"))
        {
            producer.Write(SampleEvents.Generate(AbortedSize, firstId: AbortedFirstId + (Transactions * AbortedSize)), commit: false);
        }

        for (var p = 0; p < Partitions; p++)
        {
            // Its records on the partition and the abort marker, which the coordinator writes after AbortTransaction returns.
            await run.WaitForLogEndAsync(p, endsBefore[p] + Enumerable.Range(0, AbortedSize).Count(i => i % Partitions == p) + 1);
        }

        await run.WaitForCheckpointsAtLogEndAsync(DateTime.UtcNow + CheckpointsAtLogEndWithin);
        Assert.Equal(Partitions, await PostgresServer.ScalarAsync<long>(run.Database, "SELECT count(DISTINCT partition) FROM kafka_commit_ledger WHERE delivered = 0 AND events = 0 AND rejected = 0"));
        Assert.Equal(0, await run.ReadLagAsync());
        var output = await IngestionAssertions.AssertVerifiedAsync(run.Database, run.Topic.BootstrapServers, run.Topic.Topic);
        Assert.Contains("missing, 0 unexpected; 0 windows not re-read", output, StringComparison.Ordinal);
        Assert.Contains($"deep (Kafka, read_committed): {Transactions * CommittedSize} records re-read in {Partitions} windows", output, StringComparison.Ordinal);
    }

    [RealKafkaFact]
    public async Task Verify_catches_a_row_missing_in_a_range_that_holds_aborted_records()
    {
        await using var run = await TransactionalRun.StartAsync("txnmiss", Partitions);
        WriteInterleaved(run);
        var finished = DateTime.UtcNow;
        await IngestionAssertions.WaitForStoredAsync(run.Database, run.Topic.Topic, Transactions * CommittedSize, TimeSpan.FromSeconds(60), () => run.Silo.Tail());
        await run.WaitForCheckpointsAtLogEndAsync(finished + CheckpointsAtLogEndWithin);
        await run.Silo.StopAsync();

        // One event of a range that covers offsets without a record: the ledger still says it is stored.
        await PostgresServer.ExecuteAsync(run.Database, """
            DELETE FROM user_events e USING (
                SELECT e.kafka_partition, e.kafka_offset FROM user_events e
                JOIN kafka_commit_ledger l ON l.partition = e.kafka_partition AND l.log_generation = e.kafka_log_generation
                     AND e.kafka_offset >= l.from_offset AND e.kafka_offset < l.to_offset
                WHERE l.delivered < l.to_offset - l.from_offset
                ORDER BY e.kafka_partition, e.kafka_offset LIMIT 1) d
            WHERE e.kafka_partition = d.kafka_partition AND e.kafka_offset = d.kafka_offset
            """);

        var result = await IngestionAssertions.RunVerifyAsync(run.Database, run.Topic.BootstrapServers, run.Topic.Topic);
        var output = result.StandardOutput + result.StandardError;
        Assert.True(result.ExitCode == 1, output);
        Assert.Contains("deep: ", output, StringComparison.Ordinal);
        Assert.Contains(": 1 missing, 0 duplicated, 0 unexpected", output, StringComparison.Ordinal);
        Assert.Contains("1 missing, 0 unexpected; 0 windows not re-read", output, StringComparison.Ordinal);
    }

    [RealKafkaFact]
    public async Task An_open_transaction_holds_its_partition_at_the_last_stable_offset_until_the_broker_aborts_it()
    {
        await using var run = await TransactionalRun.StartAsync("txnopen", 1);
        using (var before = run.Producer("before"))
        {
            before.Write(SampleEvents.Generate(CommittedSize), commit: true);
        }

        // The coordinator writes the commit marker after CommitTransaction returns: the open transaction starts after it.
        var stable = CommittedSize + 1L;
        await run.WaitForLogEndAsync(0, stable);
        using (var open = run.Producer("open"))
        {
            // Neither committed nor aborted: the broker aborts it once its transaction.timeout.ms has passed.
            open.Begin(SampleEvents.Generate(AbortedSize, firstId: AbortedFirstId));
        }

        var openedAt = DateTime.UtcNow;
        using (var after = run.Producer("after"))
        {
            after.Write(SampleEvents.Generate(CommittedSize, firstId: CommittedSize), commit: true);
        }

        await IngestionAssertions.WaitForStoredAsync(run.Database, run.Topic.Topic, CommittedSize, TimeSpan.FromSeconds(60), () => run.Silo.Tail());
        Assert.True(DateTime.UtcNow - openedAt < TransactionTimeout - TimeSpan.FromSeconds(1), "the first transaction took too long to store to see the partition wait");
        Assert.Equal(stable, await run.ReadCheckpointAsync(0));
        Assert.Equal(CommittedSize, await PostgresServer.ScalarAsync<long>(run.Database, "SELECT count(*) FROM user_events"));
        Assert.True(await run.ReadLagAsync() >= AbortedSize + CommittedSize, "the lag counts the open transaction and what waits behind it");

        var totals = await IngestionAssertions.WaitForStoredAsync(run.Database, run.Topic.Topic, 2 * CommittedSize, TimeSpan.FromSeconds(60), () => run.Silo.Tail());
        await run.WaitForCheckpointsAtLogEndAsync(DateTime.UtcNow + CheckpointsAtLogEndWithin);

        Assert.Equal(2 * CommittedSize, totals.Events);
        Assert.Equal(0, totals.DuplicateOffsets);
        Assert.Equal(0, totals.OffsetsWithGaps);
        Assert.Equal(0, await PostgresServer.ScalarAsync<long>(run.Database, $"SELECT count(*) FROM user_events WHERE movie_id >= {AbortedFirstId}"));
        Assert.Equal(0, await run.ReadLagAsync());
        await IngestionAssertions.AssertVerifiedAsync(run.Database, run.Topic.BootstrapServers, run.Topic.Topic);
    }

    /// <summary>Committed and aborted transactions in turn, the aborted one last, from one transactional producer.</summary>
    private static void WriteInterleaved(TransactionalRun run)
    {
        using var producer = run.Producer("mixed");
        for (var i = 0; i < Transactions; i++)
        {
            producer.Write(SampleEvents.Generate(CommittedSize, firstId: i * CommittedSize), commit: true);
            producer.Write(SampleEvents.Generate(AbortedSize, firstId: AbortedFirstId + (i * AbortedSize)), commit: false);
        }
    }

    /// <summary>A topic of its own on the shared real broker, an empty database and a silo process reading the one into the other.</summary>
    private sealed class TransactionalRun : IAsyncDisposable
    {
        private TransactionalRun(RealKafkaTopic topic, string database, SiloProcess silo)
        {
            Topic = topic;
            Database = database;
            Silo = silo;
        }

        public RealKafkaTopic Topic { get; }

        public string Database { get; }

        public SiloProcess Silo { get; }

        public static async Task<TransactionalRun> StartAsync(string name, int partitions)
        {
            var broker = await RealKafkaBroker.SharedAsync(RealKafkaBroker.KitFromEnvironment!);
            var topic = await RealKafkaTopic.CreateAsync(broker, name, partitions);
            var database = await PostgresServer.CreateEmptyDatabaseAsync(name);
            var silo = await SiloProcess.StartAsync(name, SiloEnvironment.For(topic.BootstrapServers, topic.Topic, database, name));
            return new TransactionalRun(topic, database, silo);
        }

        public TransactionalProducer Producer(string name) =>
            new(Topic.BootstrapServers, Topic.Topic, Topic.Partitions, $"{Topic.Topic}-{name}", TransactionTimeout);

        public async Task<long> ReadCheckpointAsync(int partition) =>
            await PostgresServer.ScalarAsync<long>(Database, "SELECT next_offset FROM kafka_checkpoints WHERE topic = @topic AND partition = @partition", ("topic", Topic.Topic), ("partition", partition));

        public async Task WaitForLogEndAsync(int partition, long end)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (Topic.QueryHighWatermarks()[partition] < end)
            {
                Assert.True(DateTime.UtcNow < deadline, $"partition {partition} did not reach {end}");
                await Task.Delay(100);
            }
        }

        /// <summary>Waits until every partition's checkpoint equals its high watermark (the log end, past every marker).</summary>
        public async Task WaitForCheckpointsAtLogEndAsync(DateTime deadline)
        {
            while (true)
            {
                var ends = Topic.QueryHighWatermarks();
                var checkpoints = new long[ends.Length];
                for (var p = 0; p < ends.Length; p++)
                {
                    checkpoints[p] = await ReadCheckpointAsync(p);
                }

                if (checkpoints.SequenceEqual(ends))
                {
                    return;
                }

                Assert.True(DateTime.UtcNow < deadline, $"checkpoints [{string.Join(", ", checkpoints)}] short of the log ends [{string.Join(", ", ends)}] at {deadline:O}{Environment.NewLine}{Silo.Tail()}");
                await Task.Delay(500);
            }
        }

        /// <summary>The silo's kafka_receiver_lag summed over its partitions, as /metrics shows it.</summary>
        public async Task<double> ReadLagAsync()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var text = await http.GetStringAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Silo.HttpPort}/metrics")));
            return PrometheusText.Parse(text).Sum("kafka_receiver_lag");
        }

        public async ValueTask DisposeAsync()
        {
            await Silo.DisposeAsync();
            await Topic.DisposeAsync();
        }
    }
}
