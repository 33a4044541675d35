namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>How far the storing of one Kafka partition has come.</summary>
/// <param name="Topic">The Kafka topic.</param>
/// <param name="Partition">The partition number.</param>
/// <param name="Owner">The silo whose receiver last started on the partition (<c>ip:port@generation</c>); null before any did.</param>
/// <param name="Checkpoint">The next offset to store; null while the partition has no checkpoint.</param>
/// <param name="HighWatermark">The next offset Kafka will write; null when Kafka did not answer.</param>
/// <param name="Lag">Records in Kafka not stored yet (<paramref name="HighWatermark"/> - <paramref name="Checkpoint"/>); null when either is unknown.</param>
/// <param name="LastCommitAt">When the checkpoint last moved (or was pinned); null while there is none.</param>
[GenerateSerializer, Immutable]
public sealed record PartitionProgress(
    [property: Id(0)] string Topic,
    [property: Id(1)] int Partition,
    [property: Id(2)] string? Owner,
    [property: Id(3)] long? Checkpoint,
    [property: Id(4)] long? HighWatermark,
    [property: Id(5)] long? Lag,
    [property: Id(6)] DateTimeOffset? LastCommitAt);
