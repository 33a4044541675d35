namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>What PostgreSQL holds for a topic, read in one snapshot, so the checkpoints and the rows agree.</summary>
public sealed record StoredOffsets(IReadOnlyList<CheckpointBounds> Checkpoints, IReadOnlyList<PartitionOffsetCensus> Census);
