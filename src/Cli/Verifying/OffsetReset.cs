namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// A row of <c>kafka_offset_resets</c>: the checkpoint moved from <paramref name="FromOffset"/> (generation
/// <paramref name="FromGeneration"/>) to <paramref name="ToOffset"/> (generation <paramref name="ToGeneration"/>).
/// 'retention' keeps the generation (the ledger has a 'lost' range for it); 'truncated' and 'new-log' start the next one.
/// </summary>
public sealed record OffsetReset(int Partition, long FromOffset, long ToOffset, int FromGeneration, int ToGeneration, string Kind, string Reason);
