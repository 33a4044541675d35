namespace UserEvents.Orleans.Benchmarks.Workload;

/// <summary>What a producer sent: every event acknowledged, from <see cref="StartedAt"/> during <see cref="Elapsed"/>.</summary>
public sealed record ProduceResult(long Events, DateTimeOffset StartedAt, TimeSpan Elapsed)
{
    public double EventsPerSecond => Events / Math.Max(Elapsed.TotalSeconds, 1e-6);

    public DateTimeOffset FinishedAt => StartedAt + Elapsed;
}
