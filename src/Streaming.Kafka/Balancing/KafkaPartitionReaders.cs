namespace OrleansKafka.Streaming.Balancing;

/// <summary>
/// The silo's latest view of which silo reads each partition of one provider, kept by its balancer. Consumers use it
/// to follow their partition's reader; nothing that decides what is stored depends on it.
/// </summary>
public sealed class KafkaPartitionReaders
{
    private volatile QueueOwnership ownership = QueueOwnership.None;

    /// <summary>The silo ("ip:port@generation") that reads <paramref name="partition"/>, or null when none is known yet.</summary>
    public string? ReaderOf(int partition) => ownership.Owners.GetValueOrDefault(partition);

    /// <summary>The ownership this view holds.</summary>
    public QueueOwnership Current => ownership;

    internal void Update(QueueOwnership latest) => ownership = latest;
}
