namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>One row of <c>user_events</c>, as the stats show it.</summary>
[GenerateSerializer, Immutable]
public sealed record StoredEvent(
    [property: Id(0)] int UserId,
    [property: Id(1)] int MovieId,
    [property: Id(2)] string EventType,
    [property: Id(3)] DateTimeOffset EventTimestamp,
    [property: Id(4)] int KafkaPartition,
    [property: Id(5)] long KafkaOffset);
