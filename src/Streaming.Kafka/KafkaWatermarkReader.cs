using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace UserEvents.Orleans.Streaming.Kafka;

/// <summary>
/// Reads the watermarks of every partition of a topic with one admin client (for lag and reconciliation):
/// one metadata request for the partition list, then one ListOffsets request per watermark for all partitions.
/// </summary>
public sealed class KafkaWatermarkReader : IDisposable
{
    private readonly IAdminClient admin;
    private readonly TimeSpan timeout;

    /// <summary>A reader for <paramref name="bootstrapServers"/>; <paramref name="clientSettings"/> go to librdkafka unchanged.</summary>
    public KafkaWatermarkReader(string bootstrapServers, IEnumerable<KeyValuePair<string, string>> clientSettings, string clientId, TimeSpan timeout)
    {
        this.timeout = timeout;
        var config = new AdminClientConfig(clientSettings.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal))
        {
            BootstrapServers = bootstrapServers,
            ClientId = clientId,
        };
        // librdkafka logs connection trouble itself; callers see it as a failed read.
        admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
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

    public void Dispose() => admin.Dispose();

    private int[] PartitionsOf(string topic)
    {
        var metadata = admin.GetMetadata(topic, timeout).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.Code == ErrorCode.UnknownTopicOrPart || metadata.Partitions.Count == 0)
        {
            throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, $"Kafka topic '{topic}' does not exist"));
        }

        return metadata.Error.IsError
            ? throw new KafkaException(metadata.Error)
            : metadata.Partitions.Select(p => p.PartitionId).Order().ToArray();
    }

    private async Task<Dictionary<int, long>> ListOffsetsAsync(string topic, int[] partitions, OffsetSpec spec)
    {
        var result = await admin.ListOffsetsAsync(
            partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition(topic, new Partition(p)), OffsetSpec = spec }),
            new ListOffsetsOptions { RequestTimeout = timeout });
        return result.ResultInfos.ToDictionary(r => r.TopicPartitionOffsetError.Partition.Value, r => r.TopicPartitionOffsetError.Offset.Value);
    }
}
