namespace OrleansKafka.Streaming.Balancing;

/// <summary>
/// The cluster's one shared record of which silo reads which queue. Every silo's balancer reads it and, when its view
/// of membership is newer, rewrites it; the store only has to make each read-decide-write atomic across silos.
/// </summary>
public interface IQueueOwnershipStore
{
    /// <summary>
    /// Reads the ownership of <paramref name="scope"/> (a cluster's stream provider) and, while no other silo may change
    /// it, applies <paramref name="decide"/>: a non-null result replaces the stored ownership. Returns what is stored after.
    /// </summary>
    Task<QueueOwnership> UpdateAsync(string scope, Func<QueueOwnership, QueueOwnership?> decide, CancellationToken cancellationToken);
}
