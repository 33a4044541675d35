using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Postgres.Stats;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Grains.Stats;

/// <summary>Puts PostgreSQL's checkpoints and Kafka's high watermarks side by side, one row per partition either knows.</summary>
internal static class PartitionProgressJoin
{
    /// <param name="watermarks">Kafka's answer, or null when Kafka did not answer (high watermark and lag stay unknown).</param>
    public static PartitionProgress[] Join(string topic, IReadOnlyList<CheckpointRow> checkpoints, IReadOnlyList<KafkaPartitionWatermarks>? watermarks)
    {
        var byPartition = checkpoints.ToDictionary(c => c.Partition);
        var highWatermarks = watermarks?.ToDictionary(w => w.Partition, w => w.High) ?? [];
        return byPartition.Keys.Union(highWatermarks.Keys).Order().Select(partition =>
        {
            var checkpoint = byPartition.GetValueOrDefault(partition);
            long? high = highWatermarks.TryGetValue(partition, out var value) ? value : null;
            return new PartitionProgress(
                topic,
                partition,
                checkpoint?.Owner,
                checkpoint?.NextOffset,
                high,
                high - checkpoint?.NextOffset,
                checkpoint?.UpdatedAt);
        }).ToArray();
    }
}
