using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansKafka.Streaming;

/// <summary>The read-only adapter: creates one receiver per queue, i.e. per partition.</summary>
internal sealed class KafkaQueueAdapter(
    string name,
    string receiverOwner,
    KafkaStreamOptions options,
    IKafkaRecordDecoder decoder,
    IKafkaCheckpointStore checkpoints,
    TimeProvider time,
    KafkaReceiverMetrics metrics,
    ILoggerFactory loggerFactory) : IQueueAdapter
{
    public string Name { get; } = name;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadOnly;

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new KafkaPartitionReceiver(
        Name,
        receiverOwner,
        options,
        KafkaPartitionStreams.PartitionOf(queueId),
        decoder,
        checkpoints,
        time,
        metrics,
        loggerFactory.CreateLogger<KafkaPartitionReceiver>());

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext) =>
        throw new NotSupportedException($"Stream provider '{Name}' only reads Kafka; produce to topic '{options.Topic}' with a Kafka producer.");
}
