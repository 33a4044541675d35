using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Decoding;
using UserEvents.Orleans.Postgres.Checkpoints;
using OrleansKafka.Streaming;
using Orleans.Configuration;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>The receiver's metrics against our local Kafka broker: records read, batch sizes, read delay, and lag from librdkafka's watermarks.</summary>
[Collection(nameof(ProcessTests))]
public sealed class KafkaReceiverMetricsTests : IAsyncLifetime
{
    private string Topic => kafka.Topic;
    private const int Partition = 1;
    private readonly System.Diagnostics.Metrics.IMeterFactory meters = TestMeterFactory.Create();
    private KafkaTestBroker kafka = null!;
    private NpgsqlDataSource dataSource = null!;
    private RecordedMeasurements recorded = null!;

    public async Task InitializeAsync()
    {
        recorded = new RecordedMeasurements(meters);
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 2);
        dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateMigratedDatabaseAsync("lag"));
    }

    public async Task DisposeAsync()
    {
        recorded.Dispose();
        meters.Dispose();
        await dataSource.DisposeAsync();
        await kafka.DisposeAsync();
    }

    [Fact]
    public async Task Lag_is_the_high_watermark_minus_what_the_receiver_handed_out_and_ends_with_the_receiver()
    {
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(500), partition: Partition);
        var receiver = NewReceiver(TimeProvider.System);
        await receiver.Initialize(TimeSpan.FromSeconds(10), default);

        Assert.Equal(500, await ObserveLagAsync(lag => lag == 500));

        await ReadAsync(receiver, 500);

        Assert.Equal(0, await ObserveLagAsync(lag => lag == 0));
        var records = recorded.Of("kafka.receiver.records");
        Assert.Equal(500, records.Sum(m => m.Value));
        Assert.All(records, m => Assert.Equal(Partition, m.Tags["partition"]));
        Assert.All(recorded.Of("kafka.receiver.batch.size"), m => Assert.InRange(m.Value, 1, 200));
        Assert.Equal(500, recorded.Of("kafka.receiver.batch.size").Sum(m => m.Value));

        await receiver.Shutdown(TimeSpan.FromSeconds(5), default);
        Assert.Empty(recorded.Observe("kafka.receiver.lag"));
    }

    [Fact]
    public async Task Read_delay_is_the_hand_over_time_minus_the_newest_Kafka_timestamp_of_each_batch()
    {
        var producedBefore = DateTimeOffset.UtcNow;
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(300), partition: Partition);
        var producedAfter = DateTimeOffset.UtcNow;
        // The silo's clock stands one hour after the records were produced: each batch is handed over 3,600 s after its
        // newest record, less the seconds the produce took.
        var clock = new FakeTimeProvider(producedAfter + TimeSpan.FromHours(1));
        var receiver = NewReceiver(clock);
        await receiver.Initialize(TimeSpan.FromSeconds(10), default);

        await ReadAsync(receiver, 300);

        var delays = recorded.Of("kafka.receiver.read.delay");
        Assert.Equal(recorded.Of("kafka.receiver.batch.size").Count, delays.Count);
        var earliest = (clock.GetUtcNow() - producedAfter).TotalSeconds - 1;
        var latest = (clock.GetUtcNow() - producedBefore).TotalSeconds + 1;
        Assert.All(delays, d => Assert.InRange(d.Value, earliest, latest));
        await receiver.Shutdown(TimeSpan.FromSeconds(5), default);
    }

    private KafkaPartitionReceiver NewReceiver(TimeProvider time) => new(
        "test",
        "test-silo",
        new KafkaStreamOptions { BootstrapServers = kafka.BootstrapServers, Topic = Topic, StreamNamespace = StreamNames.UserEventsNamespace, StartingOffsets = KafkaStartingOffsets.Earliest, MaxRecordsPerBatch = 200 },
        Partition,
        new UserEventRecordDecoder(new UserEventJsonReader()),
        new PostgresCheckpointStore(dataSource),
        time,
        new KafkaReceiverMetrics(meters),
        NullLogger.Instance);

    private static async Task ReadAsync(KafkaPartitionReceiver receiver, int expected)
    {
        var read = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (read < expected && DateTime.UtcNow < deadline)
        {
            var containers = await receiver.GetQueueMessagesAsync(10, default);
            read += containers.SelectMany(c => c.GetEvents<UserEventBatch>()).Sum(e => e.Item1.RecordCount);
            await Task.Delay(20);
        }

        Assert.Equal(expected, read);
    }

    /// <summary>The partition's lag once <paramref name="expected"/> holds (librdkafka learns the high watermark from its first fetch).</summary>
    private async Task<double?> ObserveLagAsync(Func<double, bool> expected)
    {
        double? lag = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lag = recorded.Observe("kafka.receiver.lag").SingleOrDefault()?.Value;
            if (lag is { } value && expected(value))
            {
                break;
            }

            await Task.Delay(50);
        }

        return lag;
    }
}
