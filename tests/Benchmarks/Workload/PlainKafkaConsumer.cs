using Confluent.Kafka;

namespace UserEvents.Orleans.Benchmarks.Workload;

/// <summary>
/// The consumer of the Kafka limit and of the peers: one Confluent.Kafka consumer assigned every partition of the fresh,
/// empty topic at offset 0 (no group rebalance, no offset lookup), librdkafka defaults otherwise except
/// fetch.wait.max.ms = 100 as in the silo's receivers: the local broker holds a fetch that finds no data for that long,
/// so every line pays the same for it. It has fetched the metadata when returned, as the silo's receivers have when they
/// pinned their checkpoints.
/// </summary>
public static class PlainKafkaConsumer
{
    /// <summary>As in src/Streaming.Kafka/KafkaClientConfig.cs.</summary>
    public const int FetchWaitMaxMs = 100;

    /// <param name="bootstrapServers">The broker.</param>
    /// <param name="topic">An empty topic.</param>
    /// <param name="partitions">Its partitions.</param>
    /// <param name="groupId">Group for offset commits (no subscription, so no rebalance).</param>
    /// <param name="autoCommit">The plain client's default: offsets committed to Kafka every 5 s in the background.</param>
    public static IConsumer<Ignore, byte[]> AssignedToAll(string bootstrapServers, string topic, int partitions, string groupId, bool autoCommit)
    {
        var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = autoCommit,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = FetchWaitMaxMs,
        }).SetLogHandler((_, _) => { }).Build();
        try
        {
            consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, new Offset(0))));
            consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10));
            return consumer;
        }
        catch
        {
            consumer.Dispose();
            throw;
        }
    }
}
