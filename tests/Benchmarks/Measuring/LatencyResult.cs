namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>
/// End-to-end latency of the silo at a fixed producer rate: <see cref="ProcessedAt"/> from the rows
/// (processed_at - event_timestamp) and <see cref="Visible"/> from when the covering checkpoint was seen committed.
/// </summary>
public sealed record LatencyResult(string Line, double TargetEventsPerSecond, double ProducedEventsPerSecond, LatencySummary ProcessedAt, LatencySummary Visible)
{
    /// <summary>Per batch, Kafka's part of the latency and end to end, from the silo's histograms; null when not read.</summary>
    public LatencyStages? Stages { get; init; }

    /// <summary>Set when the phase failed; the numbers mean nothing then.</summary>
    public string? Error { get; init; }

    public bool Succeeded => Error is null;

    public static LatencyResult Failed(string line, double target, Exception exception)
    {
        var empty = new LatencySummary(0, 0, 0, 0, 0);
        return new(line, target, 0, empty, empty) { Error = exception.GetType().Name + ": " + exception.Message.Split(Environment.NewLine)[0] };
    }
}
