namespace UserEvents.Orleans.Contracts;

/// <summary>One valid event of the <c>user-events</c> topic, with the Kafka offset it was read from.</summary>
/// <param name="UserId">The <c>user_id</c> field.</param>
/// <param name="MovieId">The <c>movie_id</c> field.</param>
/// <param name="EventType">The <c>event_type</c> field (1 to <see cref="MaxEventTypeLength"/> characters).</param>
/// <param name="TimestampMs">The <c>timestamp</c> field: milliseconds since the Unix epoch.</param>
/// <param name="Offset">The Kafka offset of the record in its partition.</param>
[GenerateSerializer, Immutable]
public readonly record struct UserEvent(
    [property: Id(0)] int UserId,
    [property: Id(1)] int MovieId,
    [property: Id(2)] string EventType,
    [property: Id(3)] long TimestampMs,
    [property: Id(4)] long Offset)
{
    /// <summary>The width of <c>user_events.event_type</c>.</summary>
    public const int MaxEventTypeLength = 50;

    /// <summary>The event time as an instant (the seed read it as seconds; it is milliseconds).</summary>
    public DateTimeOffset EventTime => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);
}
