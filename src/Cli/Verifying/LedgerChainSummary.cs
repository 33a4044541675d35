namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// The ledger ranges of one (partition, generation), summarised in SQL in offset order. "Reach" is the furthest
/// to_offset of the ranges before a range: a range starting after it leaves a gap, one starting before it overlaps.
/// </summary>
/// <param name="MiscountedRanges">'stored' ranges whose events + rejected differ from the records Kafka delivered for them (their length when not recorded), or that delivered more records than offsets.</param>
/// <param name="LostOffsets">Offsets in 'lost' ranges: Kafka deleted them before they were stored.</param>
/// <param name="UndeliveredOffsets">Offsets of 'stored' ranges for which Kafka delivered no record: transaction markers and, read committed, aborted records.</param>
public sealed record LedgerChainSummary(
    int Partition,
    int Generation,
    long Ranges,
    long FirstFrom,
    long LastTo,
    long Gaps,
    long GapOffsets,
    long Overlaps,
    long OverlapOffsets,
    long MiscountedRanges,
    long Events,
    long Rejected,
    long LostRanges,
    long LostOffsets,
    long UndeliveredOffsets = 0);
