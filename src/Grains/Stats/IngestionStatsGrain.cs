using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Postgres.Stats;
using OrleansKafka.Streaming;
using Orleans.Configuration;

namespace UserEvents.Orleans.Grains.Stats;

/// <summary>
/// The cluster's ingestion figures: row counts and rates from PostgreSQL, checkpoints and owners from
/// <c>kafka_checkpoints</c>, high watermarks from Kafka with the stream provider's settings. Counting reads whole
/// tables, so counts and partitions are cached separately: polling the partitions never counts rows.
/// </summary>
public sealed partial class IngestionStatsGrain(
    [FromKeyedServices(PostgresDataSourceKeys.Readers)] NpgsqlDataSource dataSource,
    IOptionsMonitor<KafkaStreamOptions> kafkaOptions,
    TimeProvider time,
    ILogger<IngestionStatsGrain> logger) : Grain, IIngestionStatsGrain
{
    private static readonly TimeSpan KafkaTimeout = TimeSpan.FromSeconds(3);

    private readonly IngestionCountsQuery countsQuery = new(dataSource);
    private readonly CheckpointsQuery checkpointsQuery = new(dataSource);
    private readonly ShortLivedValue<IngestionCounts> counts = new(StatsFreshness.Ingestion, time);
    private readonly ShortLivedValue<PartitionProgress[]> partitions = new(StatsFreshness.Ingestion, time);
    private KafkaStreamOptions kafka = null!;
    private KafkaWatermarkReader watermarks = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        kafka = kafkaOptions.Get(StreamNames.KafkaProvider);
        watermarks = new KafkaWatermarkReader(kafka.Connection, $"orleans-{StreamNames.KafkaProvider}-stats", KafkaTimeout, logger);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        watermarks.Dispose();
        return Task.CompletedTask;
    }

    public async Task<IngestionStats> GetAsync()
    {
        var current = await counts.GetOrReadAsync(() => countsQuery.ReadAsync(CancellationToken.None));
        var progress = await GetPartitionsAsync();
        return new IngestionStats(
            current.EventsStored,
            current.EventsRejected,
            current.EventsPerSecond1m,
            current.EventsPerSecond5m,
            current.ByEventType,
            progress,
            current.ReadAt);
    }

    public Task<PartitionProgress[]> GetPartitionsAsync() => partitions.GetOrReadAsync(ReadPartitionsAsync);

    private async Task<PartitionProgress[]> ReadPartitionsAsync()
    {
        var highWatermarks = ReadWatermarksAsync();
        var checkpoints = await checkpointsQuery.ReadAsync(kafka.Topic, CancellationToken.None);
        return PartitionProgressJoin.Join(kafka.Topic, checkpoints, await highWatermarks);
    }

    private async Task<IReadOnlyList<KafkaPartitionWatermarks>?> ReadWatermarksAsync()
    {
        try
        {
            return await watermarks.ReadAsync(kafka.Topic, CancellationToken.None);
        }
        catch (KafkaException exception)
        {
            LogKafkaUnavailable(exception, kafka.Topic, kafka.BootstrapServers);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stats: no watermarks of Kafka topic {Topic} from {Brokers}; high watermarks and lag are left unknown")]
    private partial void LogKafkaUnavailable(Exception exception, string topic, string brokers);
}
