namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>A partition's checkpoint: rows are owed for every offset from <paramref name="StartOffset"/> up to <paramref name="NextOffset"/>.</summary>
/// <param name="StartOffset">The offset pinned at the first read; null for checkpoints pinned before it was recorded.</param>
public sealed record CheckpointBounds(int Partition, long NextOffset, long? StartOffset);
