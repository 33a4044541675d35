namespace UserEvents.Orleans.Contracts;

/// <summary>
/// The implicit subscriber of one partition stream (grain key = the Kafka partition number).
/// It hands each batch to the writer on its silo and waits for the commit.
/// </summary>
public interface IPartitionConsumerGrain : IGrainWithStringKey
{
    /// <summary>What this consumer has seen since it was activated.</summary>
    Task<PartitionConsumerStatus> GetStatusAsync();
}

/// <summary>Counters of one partition consumer activation.</summary>
[GenerateSerializer, Immutable]
public sealed record PartitionConsumerStatus(
    [property: Id(0)] int Partition,
    [property: Id(1)] long Batches,
    [property: Id(2)] long EventsWritten,
    [property: Id(3)] long RejectionsWritten,
    [property: Id(4)] long AlreadyStoredBatches,
    [property: Id(5)] long GapBatches,
    [property: Id(6)] long Checkpoint,
    [property: Id(7)] string Silo);
