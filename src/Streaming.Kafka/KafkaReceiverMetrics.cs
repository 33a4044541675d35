using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansKafka.Streaming;

/// <summary>
/// The provider's instruments (meter <see cref="MeterName"/>): records read, batch sizes and read delay, recorded once per batch,
/// each running receiver's lag and each receiver not started yet, observed only when metrics are collected, and failed starts.
/// </summary>
public sealed class KafkaReceiverMetrics
{
    /// <summary>
    /// The meter's name. It predates the package's own name and is kept for compatibility: alert rules and dashboards select
    /// the provider's series by it.
    /// </summary>
    public const string MeterName = "UserEvents.Orleans.Streaming.Kafka";

    private static readonly int[] RecordBuckets = [1, 10, 50, 100, 500, 1_000, 2_500, 5_000, 10_000];

    /// <summary>
    /// Bucket bounds (seconds) of the read delay, fine between 10 and 250 ms where a real-time pipeline's tail lies; a consumer
    /// that times a later stage from the same Kafka timestamps uses them too, so the two histograms subtract bucket by bucket.
    /// </summary>
    public static IReadOnlyList<double> DelayBucketsSeconds { get; } = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Counter<long> recordsRead;
    private readonly Histogram<int> batchSize;
    private readonly Histogram<double> readDelay;
    private readonly Counter<long> startFailures;
    private readonly Counter<long> checkpointsWentBack;
    private readonly ConcurrentDictionary<LagSource, byte> lagSources = new();

    internal KafkaReceiverMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        recordsRead = meter.CreateCounter<long>("kafka.receiver.records", "{record}", "Kafka records read and handed to Orleans");
        batchSize = meter.CreateHistogram("kafka.receiver.batch.size", "{record}", "Records per batch (one contiguous offset range) handed to Orleans", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = RecordBuckets });
        readDelay = meter.CreateHistogram("kafka.receiver.read.delay", "s", "Per batch handed to Orleans: hand-over time minus the Kafka timestamp of the batch's newest record (producer, broker and fetch)", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DelayBucketsSeconds });
        meter.CreateObservableGauge("kafka.receiver.lag", ObserveLag, "{record}", "Partition high watermark (as last seen by the consumer) minus the receiver's position");
        startFailures = meter.CreateCounter<long>("kafka.receiver.start.failures", "{attempt}", "Receiver start attempts that failed (broker or checkpoint store unreachable); the receiver retries");
        checkpointsWentBack = meter.CreateCounter<long>("kafka.receiver.checkpoint.rollbacks", "{rollback}", "Checkpoints a receiver saw go back, or store commit histories it saw change (a failover or restore that lost commits): the receiver read again from the checkpoint");
        meter.CreateObservableGauge("kafka.receiver.checkpoint.behind", ObserveBehind, "{receiver}", "1 per partition of this silo whose checkpoint has not followed its reads for StalledCheckpointReportAfter: nothing of it is stored");
        meter.CreateObservableGauge("kafka.receiver.not_started", ObserveNotStarted, "{receiver}", "1 per partition assigned to this silo whose receiver has not started reading yet");
        meter.CreateObservableGauge("kafka.topic.partitions", () => ObserveTopics(t => t.PartitionsInKafka), "{partition}", "Partitions of the topic as the broker reported them at the last periodic check");
        meter.CreateObservableGauge("kafka.topic.partitions.unread", () => ObserveTopics(t => t.Unread), "{partition}", "Partitions of the topic that no Orleans queue reads (added after the silos started); a rolling restart reads them");
    }

    /// <summary>
    /// One batch of <paramref name="records"/> records read from a partition and handed over <paramref name="readDelaySeconds"/>
    /// after its newest record's Kafka timestamp (null when the records carry none).
    /// </summary>
    internal void BatchRead(string topic, int partition, int records, double? readDelaySeconds)
    {
        recordsRead.Add(records, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("partition", partition));
        batchSize.Record(records);
        if (readDelaySeconds is { } seconds)
        {
            // Clocks of producer and silo differ: a record stamped in the silo's future counts as read at once.
            readDelay.Record(Math.Max(0, seconds));
        }
    }

    /// <summary>The receivers of this silo waiting to start (what a readiness check reports).</summary>
    public KafkaReceiverStarts Starts { get; } = new();

    /// <summary>The receivers of this silo whose checkpoint does not follow their reads (what a readiness check reports).</summary>
    public KafkaCheckpointProgress CheckpointProgress { get; } = new();

    /// <summary>The topic's partition count on the broker against the queues read (what a readiness check reports).</summary>
    public KafkaTopicPartitionCounts Topics { get; } = new();

    /// <summary>One failed start attempt of a partition's receiver.</summary>
    internal void StartFailed(string topic, int partition) =>
        startFailures.Add(1, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("partition", partition));

    /// <summary>A receiver saw its checkpoint go back, or the store's commit history change.</summary>
    internal void CheckpointWentBack(string topic, int partition) =>
        checkpointsWentBack.Add(1, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("partition", partition));

    /// <summary>Reports the lag of a partition while the returned handle is not disposed; <paramref name="lag"/> returns null when unknown.</summary>
    internal IDisposable TrackLag(string topic, int partition, Func<long?> lag)
    {
        var source = new LagSource(this, topic, partition, lag);
        lagSources.TryAdd(source, 0);
        return source;
    }

    private IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var source in lagSources.Keys)
        {
            if (source.Lag() is { } lag)
            {
                yield return new Measurement<long>(lag, new KeyValuePair<string, object?>("topic", source.Topic), new KeyValuePair<string, object?>("partition", source.Partition));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveNotStarted() =>
        Starts.NotStarted().Select(r => new Measurement<int>(1, new KeyValuePair<string, object?>("topic", r.Topic), new KeyValuePair<string, object?>("partition", r.Partition)));

    private IEnumerable<Measurement<int>> ObserveBehind() =>
        CheckpointProgress.Behind().Select(r => new Measurement<int>(1, new KeyValuePair<string, object?>("topic", r.Topic), new KeyValuePair<string, object?>("partition", r.Partition)));

    private IEnumerable<Measurement<int>> ObserveTopics(Func<KafkaTopicPartitionCount, int> value) =>
        Topics.All().Select(t => new Measurement<int>(value(t), new KeyValuePair<string, object?>("topic", t.Topic)));

    private sealed class LagSource(KafkaReceiverMetrics owner, string topic, int partition, Func<long?> lag) : IDisposable
    {
        public string Topic { get; } = topic;

        public int Partition { get; } = partition;

        public Func<long?> Lag { get; } = lag;

        public void Dispose() => owner.lagSources.TryRemove(this, out _);
    }
}
