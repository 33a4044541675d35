using HdrHistogram;

namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>Percentiles of one latency histogram, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P99Ms, double P999Ms, double MaxMs)
{
    /// <summary>Latencies are recorded in microseconds, up to one hour, with 3 significant digits.</summary>
    public static LongHistogram NewHistogram() => new(TimeSpan.FromHours(1).Ticks / 10, 3);

    public static LatencySummary From(LongHistogram microseconds) => new(
        microseconds.TotalCount,
        microseconds.TotalCount == 0 ? 0 : microseconds.GetValueAtPercentile(50) / 1000.0,
        microseconds.TotalCount == 0 ? 0 : microseconds.GetValueAtPercentile(99) / 1000.0,
        microseconds.TotalCount == 0 ? 0 : microseconds.GetValueAtPercentile(99.9) / 1000.0,
        microseconds.TotalCount == 0 ? 0 : microseconds.GetMaxValue() / 1000.0);
}
