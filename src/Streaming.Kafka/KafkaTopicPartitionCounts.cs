using System.Collections.Concurrent;

namespace OrleansKafka.Streaming;

/// <summary>
/// Per topic, how many queues this silo's cluster reads (fixed at start) and how many partitions the broker reported last:
/// what a readiness check and the <c>kafka.topic.partitions</c> gauges report.
/// </summary>
public sealed class KafkaTopicPartitionCounts
{
    internal KafkaTopicPartitionCounts()
    {
    }

    private readonly ConcurrentDictionary<string, KafkaTopicPartitionCount> topics = new(StringComparer.Ordinal);

    /// <summary>Every topic read, by name.</summary>
    public IReadOnlyList<KafkaTopicPartitionCount> All() => topics.Values.OrderBy(t => t.Topic, StringComparer.Ordinal).ToList();

    /// <summary>The topics whose broker reports more partitions than the queues read.</summary>
    public IReadOnlyList<KafkaTopicPartitionCount> WithUnreadPartitions() => All().Where(t => t.Unread > 0).ToList();

    /// <summary>Records the partition count last reported by the broker for <paramref name="topic"/>, read as <paramref name="queuesRead"/> queues.</summary>
    internal void Observed(string topic, int queuesRead, int partitionsInKafka) =>
        topics[topic] = new KafkaTopicPartitionCount(topic, queuesRead, partitionsInKafka);
}

/// <summary>One topic: <paramref name="QueuesRead"/> Orleans queues (partitions 0..QueuesRead-1) and <paramref name="PartitionsInKafka"/> partitions on the broker.</summary>
public sealed record KafkaTopicPartitionCount(string Topic, int QueuesRead, int PartitionsInKafka)
{
    /// <summary>Partitions no queue reads (0 when the broker reports no more than the queues).</summary>
    public int Unread => Math.Max(0, PartitionsInKafka - QueuesRead);

    /// <summary>What an operator reads, and what to do.</summary>
    public string Describe() => Unread == 0
        ? $"topic {Topic}: {PartitionsInKafka} partitions in Kafka, the cluster reads {QueuesRead}"
        : $"topic {Topic}: {PartitionsInKafka} partitions in Kafka, the cluster reads {QueuesRead}: restart the silos one by one (rolling restart) so they read all {PartitionsInKafka}; partitions {QueuesRead}..{PartitionsInKafka - 1} are unread";
}
