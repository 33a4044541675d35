namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>What PostgreSQL holds about a topic's committed offsets, read in one repeatable-read snapshot.</summary>
/// <param name="Defects">The first defective ranges (at most <see cref="LedgerSnapshotQuery.DefectsListed"/>).</param>
/// <param name="Deep">The recounts through the position index; empty unless asked for.</param>
public sealed record LedgerSnapshot(
    IReadOnlyList<CheckpointBounds> Checkpoints,
    IReadOnlyList<OffsetReset> Resets,
    IReadOnlyList<LedgerChainSummary> Chains,
    IReadOnlyList<LedgerRangeDefect> Defects,
    IReadOnlyList<LostRange> Lost,
    IReadOnlyList<PartitionCounters> Counters,
    IReadOnlyList<DeepRecount> Deep);
