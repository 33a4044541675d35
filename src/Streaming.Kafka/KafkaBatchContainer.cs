using Orleans;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansKafka.Streaming;

/// <summary>
/// One stream event for the Kafka records of a contiguous offset range of one partition:
/// the decoder's output, delivered to the partition stream's consumers.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed class KafkaBatchContainer(StreamId streamId, EventSequenceTokenV2 sequenceToken, KafkaRecordRange range, object payload) : IBatchContainer
{
    /// <inheritdoc />
    [Id(0)]
    public StreamId StreamId { get; } = streamId;

    /// <summary>The receiver-local sequence number of this container.</summary>
    [Id(1)]
    public EventSequenceTokenV2 Token { get; } = sequenceToken;

    /// <summary>The offsets this container covers.</summary>
    [Id(2)]
    public KafkaRecordRange Range { get; } = range;

    /// <summary>What the decoder made of the records.</summary>
    [Id(3)]
    public object Payload { get; } = payload;

    /// <inheritdoc />
    public StreamSequenceToken SequenceToken => Token;

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        if (Payload is T typed)
        {
            yield return Tuple.Create<T, StreamSequenceToken>(typed, Token);
        }
    }

    /// <inheritdoc />
    public bool ImportRequestContext() => false;

    /// <inheritdoc />
    public override string ToString() => $"{Range.Topic}[{Range.Partition}] offsets [{Range.FromOffset}, {Range.ToOffset})";
}
