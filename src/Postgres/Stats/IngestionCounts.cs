using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>Row counts of the event tables, read in one snapshot.</summary>
/// <param name="EventsPerSecond1m">Events with <c>processed_at</c> in the last minute, divided by 60.</param>
/// <param name="EventsPerSecond5m">Events with <c>processed_at</c> in the last 5 minutes, divided by 300.</param>
/// <param name="ReadAt">The database's clock when the snapshot was taken.</param>
public sealed record IngestionCounts(
    long EventsStored,
    long EventsRejected,
    double EventsPerSecond1m,
    double EventsPerSecond5m,
    EventTypeCount[] ByEventType,
    DateTimeOffset ReadAt);
