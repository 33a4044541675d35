using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Streams;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Decoding;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Streaming.Kafka;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Streaming;

/// <summary>The receiver alone against our local Kafka broker over TCP, with checkpoints in a real PostgreSQL.</summary>
[Collection(nameof(EndToEnd.ProcessTests))]
public sealed class KafkaPartitionReceiverTests : IAsyncLifetime
{
    private const string Topic = "user-events";
    private const string Owner = "127.0.0.1:11111@1";
    private LocalKafkaProcess kafka = null!;
    private string database = "";
    private NpgsqlDataSource dataSource = null!;
    private PostgresCheckpointStore checkpoints = null!;

    public async Task InitializeAsync()
    {
        kafka = await LocalKafkaProcess.StartAsync(Topic, partitions: 6);
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

        Assert.Equal(10, await checkpoints.ReadAsync(Topic, 2, default));
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
        await checkpoints.PinAsync(Topic, 3, 0, default);
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(10), partition: 3);
        await PostgresServer.ExecuteAsync(database, $"UPDATE kafka_checkpoints SET next_offset = 4 WHERE topic = '{Topic}' AND partition = 3");

        var fresh = CreateReceiver(1, KafkaStartingOffsets.Earliest);
        var resumed = CreateReceiver(3, KafkaStartingOffsets.Latest);
        await fresh.Initialize(TimeSpan.FromSeconds(10), default);
        await resumed.Initialize(TimeSpan.FromSeconds(10), default);

        Assert.Equal(0, await checkpoints.ReadAsync(Topic, 1, default));
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
    public async Task A_checkpoint_beyond_the_log_end_moves_to_the_log_start_and_is_recorded()
    {
        // As after the broker lost its data: the stored checkpoint says 5000, the partition's log holds offsets 0..9.
        await checkpoints.PinAsync(Topic, 5, 5000, default);
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(10), partition: 5);
        var receiver = CreateReceiver(5, KafkaStartingOffsets.Latest);
        await receiver.Initialize(TimeSpan.FromSeconds(10), default);

        var batches = await ReadAllAsync(receiver, 10);

        Assert.Equal(0, batches[0].FromOffset);
        Assert.Equal(0, await checkpoints.ReadAsync(Topic, 5, default));
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(database, "SELECT count(*) FROM kafka_offset_resets WHERE partition = 5 AND from_offset = 5000 AND to_offset = 0 AND high_watermark = 10"));
    }

    private KafkaPartitionReceiver CreateReceiver(int partition, KafkaStartingOffsets startingOffsets, int maxRecordsPerBatch = 5000, TimeSpan? stallTimeout = null) => new(
        "test",
        Owner,
        new KafkaStreamOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            Topic = Topic,
            StreamNamespace = StreamNames.UserEventsNamespace,
            StartingOffsets = startingOffsets,
            MaxRecordsPerBatch = maxRecordsPerBatch,
            CheckpointProbeInterval = TimeSpan.FromMilliseconds(100),
            StalledCheckpointTimeout = stallTimeout ?? TimeSpan.FromMinutes(5),
        },
        partition,
        new UserEventRecordDecoder(new UserEventJsonReader()),
        checkpoints,
        TimeProvider.System,
        new KafkaReceiverMetrics(TestMeterFactory.Create()),
        NullLogger.Instance);

    private static async Task<List<UserEventBatch>> ReadAllAsync(KafkaPartitionReceiver receiver, int expectedRecords)
    {
        var batches = new List<UserEventBatch>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (batches.Sum(b => b.RecordCount) < expectedRecords && DateTime.UtcNow < deadline)
        {
            var containers = await receiver.GetQueueMessagesAsync(10, default);
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
}
