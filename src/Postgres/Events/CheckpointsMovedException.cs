namespace UserEvents.Orleans.Postgres.Events;

/// <summary>Other silos kept moving the flushed partitions' checkpoints while this flush was writing; it is retried like any failure.</summary>
public sealed class CheckpointsMovedException(int attempts)
    : Exception($"The checkpoints of the flushed partitions moved during each of {attempts} attempts to write them");
