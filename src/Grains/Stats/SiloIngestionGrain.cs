using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Grains.Stats;

/// <summary>
/// Keeps each silo's last two reports, in memory only: if this grain moves, the figures are back after two report periods.
/// A silo that has not reported for <see cref="Forgotten"/> (stopped or dead) is left out.
/// </summary>
public sealed class SiloIngestionGrain(TimeProvider time) : Grain, ISiloIngestionGrain
{
    public static readonly TimeSpan Forgotten = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, (SiloIngestionReport? Previous, SiloIngestionReport Last)> reports = new(StringComparer.Ordinal);

    public Task ReportAsync(SiloIngestionReport report)
    {
        reports[report.Silo] = reports.TryGetValue(report.Silo, out var known) && known.Last.At < report.At
            ? (known.Last, report)
            : (null, report);
        return Task.CompletedTask;
    }

    public Task<SiloIngestion[]> GetAsync()
    {
        var now = time.GetUtcNow();
        foreach (var silo in reports.Where(r => now - r.Value.Last.At > Forgotten).Select(r => r.Key).ToArray())
        {
            reports.Remove(silo);
        }

        return Task.FromResult(reports.Values
            .OrderBy(r => r.Last.Silo, StringComparer.Ordinal)
            .Select(r => new SiloIngestion(
                r.Last.Silo,
                r.Last.Partitions,
                Rate(r.Previous, r.Last, x => x.RecordsRead),
                Rate(r.Previous, r.Last, x => x.EventsStored),
                r.Last.RecordsRead,
                r.Last.EventsStored,
                r.Last.At))
            .ToArray());
    }

    private static double? Rate(SiloIngestionReport? previous, SiloIngestionReport last, Func<SiloIngestionReport, long> count) =>
        previous is null || last.At <= previous.At
            ? null
            : Math.Max(0, count(last) - count(previous)) / (last.At - previous.At).TotalSeconds;
}
