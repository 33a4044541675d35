using Confluent.Kafka;
using Orleans;

namespace OrleansKafka.Streaming;

/// <summary>
/// Turns the records a receiver read from one partition into the one stream event delivered for them.
/// The event must be serializable by Orleans; it is what consumers of the partition stream receive.
/// </summary>
public interface IKafkaRecordDecoder
{
    /// <summary>Decodes <paramref name="records"/>, the records of <paramref name="range"/> in offset order.</summary>
    object Decode(KafkaRecordRange range, IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records);
}

/// <summary>
/// A contiguous offset range [<see cref="FromOffset"/>, <see cref="ToOffset"/>) of one partition, in the partition's log
/// generation <see cref="LogGeneration"/> (see <see cref="KafkaCheckpoint"/>).
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct KafkaRecordRange(
    [property: Id(0)] string Topic,
    [property: Id(1)] int Partition,
    [property: Id(2)] long FromOffset,
    [property: Id(3)] long ToOffset,
    [property: Id(4)] int LogGeneration = 0);
