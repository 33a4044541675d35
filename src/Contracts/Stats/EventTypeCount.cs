namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>How many stored events have one <c>event_type</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record EventTypeCount(
    [property: Id(0)] string EventType,
    [property: Id(1)] long Count);
