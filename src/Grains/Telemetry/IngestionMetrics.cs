using System.Diagnostics.Metrics;
using UserEvents.Orleans.Contracts;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Grains.Telemetry;

/// <summary>
/// The writer's instruments (meter <see cref="MeterName"/>): what each flush stored, how long it took, and how old the
/// newest stored Kafka record was at commit. Recorded once per flush or per batch, never per event.
/// </summary>
public sealed class IngestionMetrics
{
    public const string MeterName = "UserEvents.Orleans.Ingestion";

    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
    private static readonly int[] RecordBuckets = [1, 10, 50, 100, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000];

    private readonly Counter<long> stored;
    private readonly Counter<long> rejected;
    private readonly Histogram<int> flushSize;
    private readonly Histogram<double> flushDuration;
    private readonly Histogram<double> endToEndLatency;

    public IngestionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        stored = meter.CreateCounter<long>("user_events.stored", "{event}", "Events written to user_events");
        rejected = meter.CreateCounter<long>("user_events.rejected", "{record}", "Dead letters written to user_events_rejected");
        flushSize = meter.CreateHistogram("user_events.flush.size", "{record}", "Records (events and dead letters) per PostgreSQL transaction", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = RecordBuckets });
        flushDuration = meter.CreateHistogram("user_events.flush.duration", "s", "Time from the start of a flush until its transaction committed or finally failed, retries included", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        endToEndLatency = meter.CreateHistogram("user_events.end_to_end.latency", "s", "Per committed batch: commit time minus the Kafka timestamp of the batch's newest record", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = KafkaReceiverMetrics.DelayBucketsSeconds });
    }

    /// <summary>A flush of <paramref name="records"/> records committed after <paramref name="elapsed"/>.</summary>
    public void FlushCommitted(int records, TimeSpan elapsed)
    {
        flushSize.Record(records);
        flushDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", "committed"));
    }

    /// <summary>A flush gave up after its retries; its batches will be delivered again.</summary>
    public void FlushFailed(TimeSpan elapsed) =>
        flushDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", "failed"));

    /// <summary>What one batch wrote in a flush that committed at <paramref name="committedAt"/>.</summary>
    public void BatchStored(UserEventBatch batch, BatchCommitOutcome outcome, DateTimeOffset committedAt)
    {
        if (outcome.Status != BatchCommitStatus.Committed)
        {
            return;
        }

        var partition = new KeyValuePair<string, object?>("partition", batch.Partition);
        if (outcome.EventsWritten > 0)
        {
            stored.Add(outcome.EventsWritten, partition);
        }

        if (outcome.RejectionsWritten > 0)
        {
            rejected.Add(outcome.RejectionsWritten, partition);
        }

        if (batch.NewestRecordTime != DateTimeOffset.MinValue)
        {
            endToEndLatency.Record(Math.Max(0, (committedAt - batch.NewestRecordTime).TotalSeconds));
        }
    }
}
