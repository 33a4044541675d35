using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>Row counts of the event tables, read from the counters in one snapshot.</summary>
/// <param name="EventsPerSecond1m">Events stored from the start of the previous minute until now, per second (<see cref="RecentRate"/>).</param>
/// <param name="EventsPerSecond5m">The same from the start of the minute 5 minutes before the current one.</param>
/// <param name="ReadAt">The database's clock when the snapshot was taken.</param>
public sealed record IngestionCounts(
    long EventsStored,
    long EventsRejected,
    double EventsPerSecond1m,
    double EventsPerSecond5m,
    EventTypeCount[] ByEventType,
    DateTimeOffset ReadAt);
