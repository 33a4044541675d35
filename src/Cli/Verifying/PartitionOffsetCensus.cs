namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>The distinct Kafka offsets one partition has rows for, in <c>user_events</c> and <c>user_events_rejected</c> together.</summary>
/// <param name="StoredOffsets">Distinct offsets with at least one row.</param>
/// <param name="DuplicatedOffsets">Offsets with more than one row (in one table or across both).</param>
/// <param name="OffsetsBelowCheckpoint">Distinct offsets from the checkpoint's start offset (0 when unknown) up to its next offset.</param>
/// <param name="FirstStoredOffset">The smallest offset with a row.</param>
public sealed record PartitionOffsetCensus(int Partition, long StoredOffsets, long DuplicatedOffsets, long OffsetsBelowCheckpoint, long FirstStoredOffset);
