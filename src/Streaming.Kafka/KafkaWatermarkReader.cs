using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansKafka.Streaming;

/// <summary>
/// Reads the watermarks of every partition of a topic with one admin client (for lag and reconciliation):
/// one metadata request for the partition list, then one ListOffsets request per watermark for all partitions.
/// </summary>
public sealed class KafkaWatermarkReader : IDisposable
{
    private readonly IAdminClient admin;
    private readonly TimeSpan timeout;

    /// <summary>A reader of the cluster <paramref name="connection"/> reaches; librdkafka's own log goes to <paramref name="logger"/> at Debug.</summary>
    public KafkaWatermarkReader(KafkaConnectionOptions connection, string clientId, TimeSpan timeout, ILogger? logger = null)
    {
        this.timeout = timeout;
        // Callers see connection trouble as a failed read.
        admin = KafkaAdminClients.Create(connection, clientId, logger ?? NullLogger.Instance);
    }

    /// <summary>The watermarks of every partition of <paramref name="topic"/>, by partition.</summary>
    /// <exception cref="KafkaException">The broker did not answer in time or the topic does not exist.</exception>
    public async Task<IReadOnlyList<KafkaPartitionWatermarks>> ReadAsync(string topic, CancellationToken cancellationToken)
    {
        var partitions = await Task.Run(() => PartitionsOf(topic), cancellationToken);
        var low = await ListOffsetsAsync(topic, partitions, OffsetSpec.Earliest());
        var high = await ListOffsetsAsync(topic, partitions, OffsetSpec.Latest());
        return partitions.Select(p => new KafkaPartitionWatermarks(p, low[p], high[p])).ToArray();
    }

    /// <summary>Closes the admin client.</summary>
    public void Dispose() => admin.Dispose();

    private IReadOnlyList<int> PartitionsOf(string topic) => KafkaTopicMetadata.ReadPartitions(admin, topic, timeout);

    private async Task<Dictionary<int, long>> ListOffsetsAsync(string topic, IReadOnlyList<int> partitions, OffsetSpec spec)
    {
        var result = await admin.ListOffsetsAsync(
            partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition(topic, new Partition(p)), OffsetSpec = spec }),
            new ListOffsetsOptions { RequestTimeout = timeout });
        return result.ResultInfos.ToDictionary(r => r.TopicPartitionOffsetError.Partition.Value, r => r.TopicPartitionOffsetError.Offset.Value);
    }
}
