namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// The rows of one (partition, generation) in [<paramref name="From"/>, <paramref name="To"/>) recounted through the
/// position index (kafka_partition, kafka_log_generation, kafka_offset) of both tables, range by ledger range.
/// </summary>
/// <param name="Missing">Offsets of 'stored' ranges without a row (for 'migrated' ranges, and 'stored' ones that cover offsets Kafka did not deliver: fewer rows than the range's count). Offsets no range covers are the shallow check's missing, not counted again.</param>
/// <param name="Duplicated">Offsets with more than one row (in one table or across both).</param>
/// <param name="Unexpected">Rows at offsets no 'stored' or 'migrated' range covers: in a 'lost' range, a gap, or outside the chain.</param>
/// <param name="Defects">The first ranges with a missing, duplicated or unexpected row.</param>
public sealed record DeepRecount(int Partition, int Generation, long From, long To, long Rows, long Missing, long Duplicated, long Unexpected, IReadOnlyList<DeepRangeDefect> Defects)
{
    public bool IsConsistent => Missing == 0 && Duplicated == 0 && Unexpected == 0;
}

/// <summary>One ledger range (or, with a null range, the rows outside every range) whose rows do not match it.</summary>
public sealed record DeepRangeDefect(long? FromOffset, long? ToOffset, string Kind, long Missing, long Duplicated, long Unexpected);
