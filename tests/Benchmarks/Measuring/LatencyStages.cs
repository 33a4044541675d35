namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>
/// A fixed-rate run's latency per batch, split by stage from the silo's own histograms between two readings of its
/// <c>/metrics</c>: Kafka's part (<c>kafka_receiver_read_delay_seconds</c>: producer, broker, fetch) and end to end
/// (<c>user_events_end_to_end_latency_seconds</c>: that plus the silo's cache, delivery, group commit and COPY), both
/// from the batch's newest Kafka timestamp, on the same buckets.
/// </summary>
public sealed record LatencyStages(double? KafkaP50Ms, double? KafkaP99Ms, double? EndToEndP50Ms, double? EndToEndP99Ms)
{
    public static LatencyStages Between(string? before, string? after)
    {
        var kafka = Histogram(before, after, "kafka_receiver_read_delay_seconds");
        var endToEnd = Histogram(before, after, "user_events_end_to_end_latency_seconds");
        return new LatencyStages(Ms(kafka.Quantile(0.5)), Ms(kafka.Quantile(0.99)), Ms(endToEnd.Quantile(0.5)), Ms(endToEnd.Quantile(0.99)));
    }

    private static PrometheusHistogram Histogram(string? before, string? after, string name) =>
        PrometheusHistogram.Parse(after, name).Since(PrometheusHistogram.Parse(before, name));

    private static double? Ms(double? seconds) => seconds * 1000;
}
