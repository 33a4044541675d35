namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// One (partition, log generation) held against its ledger. The rule: the ledger ranges chain without gap and without
/// overlap from the generation's start (generation 0: the checkpoint's pinned start_offset; generation g &gt; 0: the
/// to_offset of the reset that began it) to its end (the checkpoint in the current generation; the from_offset of the
/// reset that ended it in an older one), and each 'stored' range holds events + rejected = the records Kafka delivered for
/// it (its length for a range committed before deliveries were recorded). Offsets no range
/// covers are <see cref="Missing"/>, offsets two ranges cover are <see cref="Overlapping"/>, ranges outside
/// [start, end) are <see cref="Unexpected"/>. 'lost' ranges owe no rows and are reported, not counted as defects.
/// </summary>
public sealed record GenerationVerdict(
    int Partition,
    int Generation,
    bool IsCurrent,
    long? Start,
    long? End,
    long Ranges,
    long Owed,
    long Events,
    long Rejected,
    long Missing,
    long Overlapping,
    long Unexpected,
    long Miscounted,
    long Lost,
    string Note)
{
    public bool IsConsistent => Missing == 0 && Overlapping == 0 && Unexpected == 0 && Miscounted == 0;

    /// <param name="checkpoint">The partition's checkpoint; null when it has none.</param>
    /// <param name="resets">The partition's resets.</param>
    /// <param name="chain">The generation's ledger ranges; null when it has none.</param>
    public static GenerationVerdict Judge(int partition, int generation, CheckpointBounds? checkpoint, IReadOnlyList<OffsetReset> resets, LedgerChainSummary? chain)
    {
        var notes = new List<string>();
        var start = StartOf(generation, checkpoint, resets, chain, notes);
        var end = EndOf(generation, checkpoint, resets, chain, notes);
        var isCurrent = checkpoint is not null && checkpoint.LogGeneration == generation;
        if (start is not { } from || end is not { } to)
        {
            return new GenerationVerdict(partition, generation, isCurrent, start, end, chain?.Ranges ?? 0, 0, chain?.Events ?? 0, chain?.Rejected ?? 0,
                0, chain?.OverlapOffsets ?? 0, Length(chain), chain?.MiscountedRanges ?? 0, chain?.LostOffsets ?? 0, string.Join("; ", notes));
        }

        var lost = chain?.LostOffsets ?? 0;
        if (lost > 0)
        {
            notes.Add($"{lost} offsets lost: deleted by Kafka before they were stored");
        }

        if (chain?.UndeliveredOffsets is > 0 and var undelivered)
        {
            notes.Add($"{undelivered} offsets without a record (transaction markers, aborted records)");
        }

        if (chain is null)
        {
            return new GenerationVerdict(partition, generation, isCurrent, from, to, 0, Math.Max(0, to - from), 0, 0,
                Math.Max(0, to - from), 0, 0, 0, 0, string.Join("; ", notes));
        }

        var missing = chain.GapOffsets
            + Math.Max(0, Math.Min(chain.FirstFrom, to) - from)
            + Math.Max(0, to - Math.Max(chain.LastTo, from));
        var unexpected = Math.Max(0, Math.Min(from, chain.LastTo) - chain.FirstFrom)
            + Math.Max(0, chain.LastTo - Math.Max(to, chain.FirstFrom));
        return new GenerationVerdict(
            partition, generation, isCurrent, from, to, chain.Ranges, Math.Max(0, to - from - lost), chain.Events, chain.Rejected,
            missing, chain.OverlapOffsets, unexpected, chain.MiscountedRanges, lost, string.Join("; ", notes));
    }

    private static long? StartOf(int generation, CheckpointBounds? checkpoint, IReadOnlyList<OffsetReset> resets, LedgerChainSummary? chain, List<string> notes)
    {
        if (generation == 0 && checkpoint?.StartOffset is { } pinned)
        {
            return pinned;
        }

        if (generation > 0 && resets.LastOrDefault(r => r.ToGeneration == generation && r.FromGeneration == generation - 1) is { } began)
        {
            return began.ToOffset;
        }

        notes.Add(generation == 0 ? "start not recorded: first ledger range used" : "no reset began this generation: first ledger range used");
        return chain?.FirstFrom;
    }

    private static long? EndOf(int generation, CheckpointBounds? checkpoint, IReadOnlyList<OffsetReset> resets, LedgerChainSummary? chain, List<string> notes)
    {
        if (checkpoint is null)
        {
            notes.Add("no checkpoint: last ledger range used");
            return chain?.LastTo;
        }

        if (generation == checkpoint.LogGeneration)
        {
            return checkpoint.NextOffset;
        }

        if (generation > checkpoint.LogGeneration)
        {
            notes.Add($"generation after the checkpoint's ({checkpoint.LogGeneration})");
            return chain?.FirstFrom; // owes nothing: every range of it is unexpected
        }

        if (resets.LastOrDefault(r => r.FromGeneration == generation && r.ToGeneration == generation + 1) is { } ended)
        {
            notes.Add($"ended by a '{ended.Kind}' reset: {ended.Reason}");
            return ended.FromOffset;
        }

        notes.Add("no reset ended this generation: last ledger range used");
        return chain?.LastTo;
    }

    private static long Length(LedgerChainSummary? chain) => chain is null ? 0 : chain.LastTo - chain.FirstFrom;
}
