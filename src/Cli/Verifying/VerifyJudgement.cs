namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>Every (partition, generation) to judge: those with ledger ranges and, per checkpoint, generations 0 to its current one.</summary>
public static class VerifyJudgement
{
    public static List<GenerationVerdict> Judge(IReadOnlyList<CheckpointBounds> checkpoints, IReadOnlyList<OffsetReset> resets, IReadOnlyList<LedgerChainSummary> chains)
    {
        var byPartition = checkpoints.ToDictionary(c => c.Partition);
        var chainOf = chains.ToDictionary(c => (c.Partition, c.Generation));
        var keys = chains.Select(c => (c.Partition, c.Generation))
            .Concat(checkpoints.SelectMany(c => Enumerable.Range(0, c.LogGeneration + 1).Select(g => (c.Partition, g))))
            .Distinct()
            .OrderBy(k => k.Item1).ThenBy(k => k.Item2);
        return keys.Select(k => GenerationVerdict.Judge(
                k.Item1,
                k.Item2,
                byPartition.GetValueOrDefault(k.Item1),
                resets.Where(r => r.Partition == k.Item1).ToList(),
                chainOf.GetValueOrDefault(k)))
            .ToList();
    }
}
