namespace UserEvents.Orleans.Contracts;

/// <summary>
/// The silo-local writer: buffers batches from all partitions consumed on its silo and stores them in PostgreSQL
/// with one binary COPY per flush (group commit). The returned task completes once the batch is durable.
/// </summary>
public interface IEventWriterGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Stores the batches (consecutive ranges of one partition, in offset order) exactly once, in one PostgreSQL
    /// transaction; completes after it committed, with one outcome per batch. Orleans cancels
    /// <paramref name="cancellationToken"/> when the caller gives up (its response timeout, with
    /// <c>MessagingOptions.CancelRequestOnTimeout</c>): the writer then drops the batches if their flush has not started,
    /// so a redelivery does not meet a stale copy.
    /// </summary>
    Task<BatchCommitOutcome[]> WriteAsync(UserEventBatch[] batches, CancellationToken cancellationToken = default);
}
