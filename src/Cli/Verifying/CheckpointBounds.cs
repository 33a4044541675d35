namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>A partition's checkpoint: the next offset to store in its current log generation.</summary>
/// <param name="StartOffset">The offset generation 0 was pinned at; null for checkpoints pinned before it was recorded.</param>
public sealed record CheckpointBounds(int Partition, long NextOffset, long? StartOffset, int LogGeneration);
