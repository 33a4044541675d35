namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>One user's stored events.</summary>
/// <param name="UserId">The user.</param>
/// <param name="ByEventType">The user's events by <c>event_type</c>, most frequent first.</param>
/// <param name="FirstSeen">The earliest event time; null when the user has no events.</param>
/// <param name="LastSeen">The latest event time; null when the user has no events.</param>
/// <param name="Latest">The user's newest events by event time, newest first.</param>
[GenerateSerializer, Immutable]
public sealed record UserStats(
    [property: Id(0)] int UserId,
    [property: Id(1)] EventTypeCount[] ByEventType,
    [property: Id(2)] DateTimeOffset? FirstSeen,
    [property: Id(3)] DateTimeOffset? LastSeen,
    [property: Id(4)] StoredEvent[] Latest);
