using System.ComponentModel.DataAnnotations;
using Confluent.Kafka;

namespace Orleans.Configuration;

/// <summary>
/// Settings of one Kafka stream provider: its defaults and ranges live here, checked at silo start by
/// <see cref="KafkaStreamOptionsValidator"/>. How to reach the cluster is <see cref="Connection"/>, shared with every other Kafka client.
/// </summary>
public sealed class KafkaStreamOptions
{
    /// <summary>How to reach the Kafka cluster.</summary>
    public KafkaConnectionOptions Connection { get; } = new();

    /// <summary>Kafka <c>bootstrap.servers</c> (of <see cref="Connection"/>).</summary>
    public string BootstrapServers
    {
        get => Connection.BootstrapServers;
        set => Connection.BootstrapServers = value;
    }

    /// <summary>The topic to read; each of its partitions becomes one Orleans queue.</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary>The Orleans stream namespace of the partition streams; a stream's key is its partition number.</summary>
    public string StreamNamespace { get; set; } = string.Empty;

    /// <summary>Where a partition without checkpoint starts; the choice is pinned in the checkpoint store before the first read.</summary>
    public KafkaStartingOffsets StartingOffsets { get; set; } = KafkaStartingOffsets.Latest;

    /// <summary>
    /// Kafka <c>isolation.level</c> of the receivers. <see cref="IsolationLevel.ReadCommitted"/> (the default) hands out only
    /// records of committed transactions (and every non-transactional record): a partition waits at the last stable offset
    /// while a transaction is open, and the offsets of aborted records and transaction markers are covered by the ranges
    /// around them without a record. <see cref="IsolationLevel.ReadUncommitted"/> hands out every record as soon as it is
    /// written, so the records of aborted transactions, and of open ones that will abort, are decoded and stored as well.
    /// </summary>
    public IsolationLevel IsolationLevel { get; set; } = IsolationLevel.ReadCommitted;

    /// <summary>The most Kafka records packed into one batch container (one stream event).</summary>
    [Range(1, 1_000_000)]
    public int MaxRecordsPerBatch { get; set; } = 2000;

    /// <summary>
    /// The most record bytes (key + value) packed into one batch container: with <see cref="MaxRecordsPerBatch"/> it bounds a
    /// container, so Orleans' cache (containers per queue) x this x partitions on the silo bounds the cached records.
    /// A single larger record still makes a container of its own.
    /// </summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 256 * 1024;

    /// <summary>The wait before a receiver that could not start tries again (it doubles on each failure).</summary>
    public TimeSpan StartRetryMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between a receiver's start attempts.</summary>
    public TimeSpan StartRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a partition's checkpoint may stay behind what its receiver has read before the receiver
    /// re-reads from the checkpoint. It only acts after a batch was lost, which the protocol does not expect.
    /// </summary>
    public TimeSpan StalledCheckpointTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often a receiver looks at its partition's checkpoint (and the store's commit history): a checkpoint that went
    /// back is followed within this interval.
    /// </summary>
    public TimeSpan CheckpointProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a partition's checkpoint may stay behind what its receiver read before the partition is reported as storing
    /// nothing (<see cref="KafkaReceiverMetrics.CheckpointProgress"/>, a readiness check, the <c>kafka.receiver.checkpoint.behind</c> gauge).
    /// </summary>
    public TimeSpan StalledCheckpointReportAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The pulling agent's first wait before it delivers a failed batch again (it doubles on each failure).</summary>
    public TimeSpan MinDeliveryRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The pulling agent's longest wait between deliveries of a failed batch.</summary>
    public TimeSpan MaxDeliveryRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long metadata and watermark requests may take before they are retried.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the provider asks the broker for the topic's partition count. Partitions added after the silos started are
    /// not read until a rolling restart; this check reports them in <see cref="OrleansKafka.Streaming.KafkaReceiverMetrics.Topics"/> (for a readiness check)
    /// and logs Critical within one period.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PartitionCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Further librdkafka settings passed through unchanged to every client of the provider (of <see cref="Connection"/>).</summary>
    public IDictionary<string, string> ClientSettings => Connection.ClientSettings;
}
