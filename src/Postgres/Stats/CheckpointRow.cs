namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>One row of <c>kafka_checkpoints</c>.</summary>
/// <param name="NextOffset">The next offset to store.</param>
/// <param name="UpdatedAt">When the checkpoint last moved or was pinned.</param>
/// <param name="Owner">The silo whose receiver last started on the partition.</param>
public sealed record CheckpointRow(int Partition, long NextOffset, DateTimeOffset UpdatedAt, string? Owner);
