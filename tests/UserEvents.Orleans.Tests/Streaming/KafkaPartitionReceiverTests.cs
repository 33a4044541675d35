using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Streams;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Decoding;
using UserEvents.Orleans.Postgres.Checkpoints;
using OrleansKafka.Streaming;
using Orleans.Configuration;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Streaming;

/// <summary>The receiver alone against our local Kafka broker over TCP, with checkpoints in a real PostgreSQL.</summary>
[Collection(nameof(EndToEnd.ProcessTests))]
public sealed class KafkaPartitionReceiverTests : IAsyncLifetime
{
    private string Topic => kafka.Topic;
    private const string Owner = "127.0.0.1:11111@1";
    private KafkaTestBroker kafka = null!;
    private string database = "";
    private NpgsqlDataSource dataSource = null!;
    private PostgresCheckpointStore checkpoints = null!;

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 6);
        database = await PostgresServer.CreateMigratedDatabaseAsync("receiver");
        dataSource = NpgsqlDataSource.Create(database);
        checkpoints = new PostgresCheckpointStore(dataSource);
    }

    public async Task DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await kafka.DisposeAsync();
    }

    [Fact]
    public async Task Latest_pins_the_high_watermark_before_reading_so_later_events_are_never_skipped()
    {
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(10), partition: 2);
        var receiver = CreateReceiver(2, KafkaStartingOffsets.Latest);

        await receiver.Initialize(TimeSpan.FromSeconds(10), default);

        Assert.Equal(10, (await checkpoints.ReadAsync(Topic, 2, default))?.NextOffset);
        Assert.Equal(Owner, await PostgresServer.ScalarAsync<string>(database, "SELECT owner FROM kafka_checkpoints WHERE partition = 2"));
        Assert.Equal(10L, await PostgresServer.ScalarAsync<long>(database, "SELECT start_offset FROM kafka_checkpoints WHERE partition = 2"));
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(5, firstId: 10), partition: 2);
        var batches = await ReadAllAsync(receiver, expectedRecords: 5);
        Assert.Equal(10, batches[0].FromOffset);
        Assert.Equal(15, batches[^1].ToOffset);
        await receiver.Shutdown(TimeSpan.FromSeconds(5), default);
    }

    [Fact]
    public async Task Earliest_pins_the_low_watermark_and_an_existing_checkpoint_wins()
    {
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(10), partition: 1);
        await checkpoints.PinAsync(Topic, 3, 0, null, default);
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(10), partition: 3);
        await PostgresServer.ExecuteAsync(database, $"UPDATE kafka_checkpoints SET next_offset = 4 WHERE topic = '{Topic}' AND partition = 3");

        var fresh = CreateReceiver(1, KafkaStartingOffsets.Earliest);
        var resumed = CreateReceiver(3, KafkaStartingOffsets.Latest);
        await fresh.Initialize(TimeSpan.FromSeconds(10), default);
        await resumed.Initialize(TimeSpan.FromSeconds(10), default);

        Assert.Equal(0, (await checkpoints.ReadAsync(Topic, 1, default))?.NextOffset);
        Assert.Equal(0, (await ReadAllAsync(fresh, 10))[0].FromOffset);
        var fromCheckpoint = await ReadAllAsync(resumed, 6);
        Assert.Equal(4, fromCheckpoint[0].FromOffset);
        Assert.Equal(4, fromCheckpoint[0].Events[0].Offset);
    }

    [Fact]
    public async Task Packs_records_into_contiguous_ranges_of_bounded_size_with_decoded_events_and_rejections()
    {
        var messages = SampleEvents.Generate(2_500, malformedEvery: 10);
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, messages, partition: 0);
        var receiver = CreateReceiver(0, KafkaStartingOffsets.Earliest, maxRecordsPerBatch: 300);
        await receiver.Initialize(TimeSpan.FromSeconds(10), default);

        var batches = await ReadAllAsync(receiver, messages.Count);

        Assert.All(batches, b => Assert.InRange(b.RecordCount, 1, 300));
        for (var i = 1; i < batches.Count; i++)
        {
            Assert.Equal(batches[i - 1].ToOffset, batches[i].FromOffset);
        }

        Assert.Equal(messages.Count, batches[^1].ToOffset);
        Assert.Equal(250, batches.Sum(b => b.Rejections.Length));
        Assert.All(batches.SelectMany(b => b.Rejections), r => Assert.False(string.IsNullOrEmpty(r.Reason)));
    }

    [Fact]
    public async Task A_checkpoint_that_stops_following_the_reads_makes_the_receiver_read_again_from_it()
    {
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(100), partition: 4);
        var receiver = CreateReceiver(4, KafkaStartingOffsets.Earliest, stallTimeout: TimeSpan.FromMilliseconds(300));
        await receiver.Initialize(TimeSpan.FromSeconds(10), default);
        Assert.Equal(100, (await ReadAllAsync(receiver, 100))[^1].ToOffset);

        // Nothing was stored: the checkpoint stays at 0, as if every batch had been lost on the way.
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        var again = await ReadAllAsync(receiver, 100);

        Assert.Equal(0, again[0].FromOffset);
        Assert.Equal(100, again[^1].ToOffset);
    }

    [Fact]
    public async Task A_checkpoint_beyond_the_log_end_of_the_same_log_continues_at_the_end_in_the_next_log_generation()
    {
        // The log lost its tail: the stored checkpoint says 5000, the partition's log ends at 10, and no topic id proves
        // the log new. Offsets from 10 on will be handed out again: they are new records, stored as generation 1.
        await checkpoints.PinAsync(Topic, 5, 5000, null, default);
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(10), partition: 5);
        var receiver = CreateReceiver(5, KafkaStartingOffsets.Latest);
        await receiver.Initialize(TimeSpan.FromSeconds(10), default);
        var quiet = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < quiet)
        {
            Assert.Empty(await receiver.GetQueueMessagesAsync(10, default));
            await Task.Delay(50);
        }

        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(3, firstId: 50), partition: 5);
        var batches = await ReadAllAsync(receiver, 3);

        Assert.Equal(10, batches[0].FromOffset);
        Assert.All(batches, b => Assert.Equal(1, b.LogGeneration));
        Assert.Equal(new KafkaCheckpoint(10, 1), await checkpoints.ReadAsync(Topic, 5, default));
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(database,
            "SELECT count(*) FROM kafka_offset_resets WHERE partition = 5 AND from_offset = 5000 AND to_offset = 10 AND high_watermark = 10 AND kind = 'truncated' AND from_generation = 0 AND to_generation = 1"));
    }

    [Fact]
    public async Task A_decoder_that_throws_loses_no_records_the_receiver_reads_them_again()
    {
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(300), partition: 0);
        var decoder = new ThrowingOnceDecoder(new UserEventRecordDecoder(new UserEventJsonReader()), throwAtOffset: 150);
        var receiver = CreateReceiver(0, KafkaStartingOffsets.Earliest, maxRecordsPerBatch: 50, decoder: decoder);
        await receiver.Initialize(TimeSpan.FromSeconds(10), default);

        // As Orleans' pulling agent does, a read that throws is followed by the next read.
        var batches = await ReadAllAsync(receiver, 300, toleratingFailures: true);

        Assert.True(decoder.Threw);
        Assert.Equal(0, batches[0].FromOffset);
        for (var i = 1; i < batches.Count; i++)
        {
            Assert.Equal(batches[i - 1].ToOffset, batches[i].FromOffset);
        }

        Assert.Equal(300, batches[^1].ToOffset);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), batches.SelectMany(b => b.Events.Select(e => e.Offset).Concat(b.Rejections.Select(r => r.Offset))).Order());
    }

    [Fact]
    public async Task A_receiver_given_the_partition_earlier_whose_start_finishes_last_does_not_take_the_claim_back()
    {
        // While a queue moves, the old silo's receiver may still be starting when the new one has started: its claim lands last.
        var heldClaim = new ClaimHoldingStore(checkpoints);
        var earlier = CreateReceiver(4, KafkaStartingOffsets.Earliest, store: heldClaim, owner: "127.0.0.1:22222@1");
        var earlierStart = earlier.Initialize(TimeSpan.FromSeconds(10), default);
        await heldClaim.Entered.WaitAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(20);
        var later = CreateReceiver(4, KafkaStartingOffsets.Earliest);
        await later.Initialize(TimeSpan.FromSeconds(10), default);
        Assert.Equal(Owner, await PostgresServer.ScalarAsync<string>(database, "SELECT owner FROM kafka_checkpoints WHERE partition = 4"));

        heldClaim.Release();
        await earlierStart;

        Assert.True(heldClaim.Claimed);
        Assert.Equal(Owner, await PostgresServer.ScalarAsync<string>(database, "SELECT owner FROM kafka_checkpoints WHERE partition = 4"));
        await earlier.Shutdown(TimeSpan.FromSeconds(5), default);
        await later.Shutdown(TimeSpan.FromSeconds(5), default);
    }

    [Fact]
    public async Task A_receiver_that_cannot_start_while_the_checkpoints_are_locked_retries_reports_it_and_reads_once_the_lock_goes()
    {
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(10), partition: 2);
        // A command timeout shorter than the lock: every start attempt fails while the lock is held.
        await using var impatient = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database) { CommandTimeout = 2 }.ConnectionString);
        await using var locker = await dataSource.OpenConnectionAsync();
        await using var lockTransaction = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE kafka_checkpoints IN ACCESS EXCLUSIVE MODE", locker, lockTransaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var meters = TestMeterFactory.Create();
        using var recorded = new RecordedMeasurements(meters);
        var metrics = new KafkaReceiverMetrics(meters);
        var health = new Silo.Health.KafkaReceiversHealthCheck(metrics, TimeProvider.System, TimeSpan.Zero);
        var receiver = CreateReceiver(2, KafkaStartingOffsets.Earliest, store: new PostgresCheckpointStore(impatient), metrics: metrics);

        await receiver.Initialize(TimeSpan.FromSeconds(10), default);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (recorded.Of("kafka.receiver.start.failures").Count < 2 && DateTime.UtcNow < deadline)
        {
            Assert.Empty(await receiver.GetQueueMessagesAsync(10, default));
            await Task.Delay(100);
        }

        Assert.True(recorded.Of("kafka.receiver.start.failures").Count >= 2, "the receiver retried its start");
        Assert.All(recorded.Of("kafka.receiver.start.failures"), m => Assert.Equal(2, m.Tags["partition"]));
        Assert.Equal(2, Assert.Single(recorded.Observe("kafka.receiver.not_started")).Tags["partition"]);
        var waiting = await health.CheckHealthAsync(HealthContext(health), default);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, waiting.Status);
        Assert.Contains($"{Topic}[2]", waiting.Description);
        Assert.Contains("last error", waiting.Description);

        await lockTransaction.RollbackAsync();
        var batches = await ReadAllAsync(receiver, 10);

        Assert.Equal(0, batches[0].FromOffset);
        Assert.Equal(10, batches[^1].ToOffset);
        Assert.Empty(recorded.Observe("kafka.receiver.not_started"));
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await health.CheckHealthAsync(HealthContext(health), default)).Status);
        await receiver.Shutdown(TimeSpan.FromSeconds(5), default);
    }

    [Fact]
    public async Task A_position_outside_the_log_with_batches_in_flight_reads_again_from_the_checkpoint_before_any_reset()
    {
        // The fault is a log lost under a running receiver: LocalKafka's restart (it comes back empty) injects it, whichever
        // broker the suite runs on; a real broker keeps its log across a restart.
        if (kafka.KeepsLogAcrossRestart)
        {
            await kafka.DisposeAsync();
            kafka = await LocalKafkaBroker.StartAsync("user-events", partitions: 6);
        }

        await checkpoints.PinAsync(Topic, 3, 0, null, default);
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(20), partition: 3);
        var receiver = CreateReceiver(3, KafkaStartingOffsets.Earliest, stallTimeout: TimeSpan.FromSeconds(1), maxRecordsPerBatch: 10);
        await receiver.Initialize(TimeSpan.FromSeconds(10), default);
        var read = await ReadAllAsync(receiver, 20);
        Assert.Equal(20, read[^1].ToOffset);
        // [0, 10) is stored, [10, 20) still in flight; then the log is lost and a shorter one begins.
        await Postgres.Committers.Create(dataSource).CommitAsync([read[0]], default);
        Assert.Equal(10, (await checkpoints.ReadAsync(Topic, 3, default))?.NextOffset);
        await kafka.RestartAsync();
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(5, firstId: 100), partition: 3);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (receiver.Position == 20 && DateTime.UtcNow < deadline)
        {
            Assert.Empty(await receiver.GetQueueMessagesAsync(10, default));
            await Task.Delay(50);
        }

        Assert.Equal(10, receiver.Position);
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(database, "SELECT count(*) FROM kafka_offset_resets WHERE partition = 3"));

        // Offset 10 is outside the new log too, and nothing is in flight any more: now the checkpoint moves, recorded.
        // The restarted broker created the topic again: its last record (offset 4) is not the event stored at offset 4,
        // so the log is proven new and read from its start as log generation 1; its offsets 0..4 are not taken for the
        // stored 0..4 of the old log.
        var batches = await ReadAllAsync(receiver, 5);
        Assert.Equal(0, batches[0].FromOffset);
        Assert.All(batches, b => Assert.Equal(1, b.LogGeneration));
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(database,
            "SELECT count(*) FROM kafka_offset_resets WHERE partition = 3 AND from_offset = 10 AND to_offset = 0 AND kind = 'new-log' AND to_generation = 1"));
    }

    [Fact]
    public async Task Large_records_are_cut_into_batches_of_bounded_bytes()
    {
        var value = new string('x', 64 * 1024);
        await Kcat.ProduceLinesAsync(kafka.BootstrapServers, Topic, Enumerable.Repeat(value, 40), partition: 1);
        var receiver = CreateReceiver(1, KafkaStartingOffsets.Earliest, maxBatchBytes: 256 * 1024);
        await receiver.Initialize(TimeSpan.FromSeconds(10), default);

        var batches = await ReadAllAsync(receiver, 40);

        // The budget is reached with the record that crosses it: 4 records of 64 KiB per container.
        Assert.All(batches, b => Assert.InRange(b.RecordCount, 1, 4));
        Assert.True(batches.Count >= 10);
    }

    private static Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext HealthContext(Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck check) => new()
    {
        Registration = new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("kafka-receivers", check, Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, null),
    };

    private KafkaPartitionReceiver CreateReceiver(
        int partition,
        KafkaStartingOffsets startingOffsets,
        int maxRecordsPerBatch = 5000,
        TimeSpan? stallTimeout = null,
        IKafkaRecordDecoder? decoder = null,
        IKafkaCheckpointStore? store = null,
        KafkaReceiverMetrics? metrics = null,
        int maxBatchBytes = 64 * 1024 * 1024,
        string owner = Owner) => new(
        "test",
        owner,
        new KafkaStreamOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            Topic = Topic,
            StreamNamespace = StreamNames.UserEventsNamespace,
            StartingOffsets = startingOffsets,
            MaxRecordsPerBatch = maxRecordsPerBatch,
            CheckpointProbeInterval = TimeSpan.FromMilliseconds(100),
            StalledCheckpointTimeout = stallTimeout ?? TimeSpan.FromMinutes(5),
            MaxBatchBytes = maxBatchBytes,
            StartRetryMinDelay = TimeSpan.FromMilliseconds(200),
            StartRetryMaxDelay = TimeSpan.FromMilliseconds(500),
        },
        partition,
        decoder ?? new UserEventRecordDecoder(new UserEventJsonReader()),
        store ?? checkpoints,
        TimeProvider.System,
        metrics ?? new KafkaReceiverMetrics(TestMeterFactory.Create()),
        NullLogger.Instance);

    private static async Task<List<UserEventBatch>> ReadAllAsync(KafkaPartitionReceiver receiver, int expectedRecords, bool toleratingFailures = false)
    {
        var batches = new List<UserEventBatch>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (batches.Sum(b => b.RecordCount) < expectedRecords && DateTime.UtcNow < deadline)
        {
            IList<IBatchContainer> containers;
            try
            {
                containers = await receiver.GetQueueMessagesAsync(10, default);
            }
            catch (InvalidOperationException) when (toleratingFailures)
            {
                continue;
            }

            foreach (var container in containers)
            {
                Assert.Equal(StreamNames.UserEventsNamespace, container.StreamId.GetNamespace());
                batches.AddRange(container.GetEvents<UserEventBatch>().Select(e => e.Item1));
            }

            if (containers.Count == 0)
            {
                await Task.Delay(50);
            }
        }

        Assert.Equal(expectedRecords, batches.Sum(b => b.RecordCount));
        return batches;
    }

    /// <summary>Decodes with the real decoder, but throws the first time it is given the record at <paramref name="throwAtOffset"/>.</summary>
    /// <summary>Holds every claim until released, so that a receiver's start finishes after another's.</summary>
    private sealed class ClaimHoldingStore(IKafkaCheckpointStore inner) : IKafkaCheckpointStore
    {
        private readonly TaskCompletionSource entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => entered.Task;

        public bool Claimed { get; private set; }

        public void Release() => released.TrySetResult();

        public Task<KafkaCheckpoint?> ReadAsync(string topic, int partition, CancellationToken cancellationToken) =>
            inner.ReadAsync(topic, partition, cancellationToken);

        public Task<KafkaCheckpoint> PinAsync(string topic, int partition, long startOffset, string? topicId, CancellationToken cancellationToken) =>
            inner.PinAsync(topic, partition, startOffset, topicId, cancellationToken);

        public async Task ClaimAsync(string topic, int partition, string owner, DateTimeOffset assignedAt, string? topicId, CancellationToken cancellationToken)
        {
            entered.TrySetResult();
            await released.Task.WaitAsync(cancellationToken);
            await inner.ClaimAsync(topic, partition, owner, assignedAt, topicId, cancellationToken);
            Claimed = true;
        }

        public Task<KafkaCheckpointReset> ResetOutOfRangeAsync(
            string topic, int partition, long lowWatermark, long highWatermark, string? topicId, KafkaLogProbe? lastRecord, CancellationToken cancellationToken) =>
            inner.ResetOutOfRangeAsync(topic, partition, lowWatermark, highWatermark, topicId, lastRecord, cancellationToken);
    }

    private sealed class ThrowingOnceDecoder(IKafkaRecordDecoder inner, long throwAtOffset) : IKafkaRecordDecoder
    {
        public bool Threw { get; private set; }

        public object Decode(KafkaRecordRange range, IReadOnlyList<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>> records)
        {
            if (!Threw && records.Any(r => r.Offset.Value == throwAtOffset))
            {
                Threw = true;
                throw new InvalidOperationException("Cannot read incomplete UTF-16 JSON text (test double)");
            }

            return inner.Decode(range, records);
        }
    }
}
