namespace UserEvents.Orleans.Contracts;

/// <summary>
/// Everything a receiver read from one Kafka partition as the contiguous offset range
/// [<see cref="FromOffset"/>, <see cref="ToOffset"/>): the valid events and the rejected records, in offset order.
/// The range is the unit of the exactly-once protocol: it commits only where the partition's checkpoint lies inside it.
/// <see cref="LogGeneration"/> says which of the partition's logs the offsets belong to (it grows when Kafka reuses offsets).
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
    [property: Id(7)] int LogGeneration = 0)
{
    /// <summary>The number of records the batch carries.</summary>
    public int RecordCount => Events.Length + Rejections.Length;
}
