namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>One movie's stored events.</summary>
/// <param name="MovieId">The movie.</param>
/// <param name="ByEventType">The movie's events by <c>event_type</c>, most frequent first.</param>
/// <param name="DistinctUsers">How many users have an event for the movie.</param>
/// <param name="Latest">The movie's newest events by event time, newest first.</param>
[GenerateSerializer, Immutable]
public sealed record MovieStats(
    [property: Id(0)] int MovieId,
    [property: Id(1)] EventTypeCount[] ByEventType,
    [property: Id(2)] long DistinctUsers,
    [property: Id(3)] StoredEvent[] Latest);
