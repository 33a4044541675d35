namespace UserEvents.Orleans.Contracts;

/// <summary>
/// Everything a receiver read from one Kafka partition as the contiguous offset range
/// [<see cref="FromOffset"/>, <see cref="ToOffset"/>): the valid events and the rejected records, in offset order.
/// The range is the unit of the exactly-once protocol: it commits only where the partition's checkpoint lies inside it.
/// <see cref="LogGeneration"/> says which of the partition's logs the offsets belong to (it grows when Kafka reuses offsets).
/// A range may hold offsets without a record: transaction markers and, read committed, aborted records (none at all when
/// it holds only those). <see cref="Delivered"/> is how many records Kafka handed out for it; null from a receiver that
/// did not count them.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UserEventBatch(
    [property: Id(0)] string Topic,
    [property: Id(1)] int Partition,
    [property: Id(2)] long FromOffset,
    [property: Id(3)] long ToOffset,
    [property: Id(4)] UserEvent[] Events,
    [property: Id(5)] RejectedRecord[] Rejections,
    [property: Id(6)] DateTimeOffset NewestRecordTime,
    [property: Id(7)] int LogGeneration = 0,
    [property: Id(8)] int? Delivered = null)
{
    /// <summary>The number of records the batch carries.</summary>
    public int RecordCount => Events.Length + Rejections.Length;
}
