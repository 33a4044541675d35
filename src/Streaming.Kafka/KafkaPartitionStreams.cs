using System.Globalization;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansKafka.Streaming;

/// <summary>How partitions, Orleans queues and streams correspond: queue N reads partition N into stream (namespace, "N").</summary>
internal static class KafkaPartitionStreams
{
    /// <summary>The stream that carries partition <paramref name="partition"/>'s records.</summary>
    public static StreamId StreamIdFor(string streamNamespace, int partition) =>
        StreamId.Create(streamNamespace, partition.ToString(CultureInfo.InvariantCulture));

    /// <summary>The partition a queue of the provider's <see cref="HashRingBasedStreamQueueMapper"/> reads.</summary>
    public static int PartitionOf(QueueId queueId) => checked((int)queueId.GetNumericId());

    /// <summary>The partition a stream of the provider carries, parsed from its key.</summary>
    public static int PartitionOf(StreamId streamId) => int.Parse(streamId.GetKeyAsString(), CultureInfo.InvariantCulture);
}
