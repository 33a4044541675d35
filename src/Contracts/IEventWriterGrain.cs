namespace UserEvents.Orleans.Contracts;

/// <summary>
/// The silo-local writer: buffers batches from all partitions consumed on its silo and stores them in PostgreSQL
/// with one binary COPY per flush (group commit). The returned task completes once the batch is durable.
/// </summary>
public interface IEventWriterGrain : IGrainWithIntegerKey
{
    /// <summary>Stores the batch exactly once; completes after the PostgreSQL transaction committed.</summary>
    Task<BatchCommitOutcome> WriteAsync(UserEventBatch batch);
}
