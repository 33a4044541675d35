using System.Globalization;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>
/// A backlog drain: <see cref="Events"/> done <see cref="Elapsed"/> after the producer started; how much was still to do
/// when the producer had finished, and how fast that rest went (no producer competing for the CPU then).
/// </summary>
public sealed record BacklogDrainResult(long Events, TimeSpan Elapsed, ProduceResult Produced, long DoneWhenProducerFinished, TimeSpan AfterProducerFinished)
{
    public double EventsPerSecond => Events / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>CPU of the consumer's process and of PostgreSQL per event, over the measured window.</summary>
    public CpuPerEvent Cpu { get; init; }

    /// <summary>Every event was in the log before the consumer started.</summary>
    public bool Prefilled { get; init; }

    public double LeftWhenProducerFinished => 1 - ((double)DoneWhenProducerFinished / Events);

    /// <summary>The rate over what was left when the producer had finished; null when that was under 10% of the events.</summary>
    public double? RateAfterProducerFinished =>
        LeftWhenProducerFinished >= 0.1 && AfterProducerFinished > TimeSpan.Zero
            ? (Events - DoneWhenProducerFinished) / AfterProducerFinished.TotalSeconds
            : null;

    public string Notes => Prefilled
        ? string.Create(CultureInfo.InvariantCulture, $"pre-produced backlog ({Produced.EventsPerSecond:N0}/s, not counted)")
        : RateAfterProducerFinished is { } after
        ? string.Create(CultureInfo.InvariantCulture, $"producer {Produced.EventsPerSecond:N0}/s for {Produced.Elapsed.TotalSeconds:F1} s; {LeftWhenProducerFinished * 100:F0}% left then, drained at {after:N0}/s")
        : string.Create(CultureInfo.InvariantCulture, $"producer {Produced.EventsPerSecond:N0}/s; kept up with it (producer-bound: a lower bound)");
}
