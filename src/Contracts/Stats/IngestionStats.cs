namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>What the cluster has stored, how fast, and how far behind Kafka each partition is.</summary>
/// <param name="EventsStored">Rows of <c>user_events</c>.</param>
/// <param name="EventsRejected">Rows of <c>user_events_rejected</c> (dead letters).</param>
/// <param name="EventsPerSecond1m">Events stored (by <c>processed_at</c>) in the last minute, per second.</param>
/// <param name="EventsPerSecond5m">Events stored in the last 5 minutes, per second.</param>
/// <param name="ByEventType">Stored events by <c>event_type</c>, most frequent first.</param>
/// <param name="Partitions">Every partition of the topic, by number.</param>
/// <param name="GeneratedAt">When the counts were read from PostgreSQL.</param>
[GenerateSerializer, Immutable]
public sealed record IngestionStats(
    [property: Id(0)] long EventsStored,
    [property: Id(1)] long EventsRejected,
    [property: Id(2)] double EventsPerSecond1m,
    [property: Id(3)] double EventsPerSecond5m,
    [property: Id(4)] EventTypeCount[] ByEventType,
    [property: Id(5)] PartitionProgress[] Partitions,
    [property: Id(6)] DateTimeOffset GeneratedAt);
