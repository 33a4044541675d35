using System.Globalization;
using UserEvents.Orleans.Chaos.Load;
using UserEvents.Orleans.Chaos.Measuring;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// Collects what a scenario found wrong; an empty list is a pass. A full run holds the goals (resumption, memory); a quick
/// run, which CI runs on a shared machine, holds only generous liveness bounds, so a slow CI machine cannot fail it while a
/// hang or a leak still does: the goals are judged by the full run's report (docs/CHAOS.md).
/// </summary>
public sealed class ScenarioChecks(bool quick = false)
{
    /// <summary>Partitions must consume again within this after a silo dies, stops, restarts or joins.</summary>
    public static readonly TimeSpan ResumptionGoal = TimeSpan.FromSeconds(15);

    /// <summary>A quick run's bound: consuming again at all, within a minute.</summary>
    public static readonly TimeSpan ResumptionLiveness = TimeSpan.FromSeconds(60);

    /// <summary>Silo memory must stay bounded: the cache is STREAM_CACHE_SIZE batches per partition, not the backlog.</summary>
    public const long MemoryBoundBytes = 1024L * 1024 * 1024;

    /// <summary>A quick run's bound: twice the goal, so only a leak or an unbounded cache fails it.</summary>
    public const long MemoryLivenessBytes = 2 * MemoryBoundBytes;

    private readonly List<string> failures = [];

    public IReadOnlyList<string> Failures => failures;

    public void Require(bool holds, string failure)
    {
        if (!holds)
        {
            failures.Add(failure);
        }
    }

    /// <summary>Exactly once: every produced offset has exactly one row, dead letters exactly for the malformed records, each with a reason.</summary>
    public void RequireExactlyOnce(Reconciliation reconciliation, ProducedCounts produced, bool drained)
    {
        Require(drained, "not every record was stored before the drain timeout");
        Require(produced.Failed == 0, $"{produced.Failed} deliveries failed ({produced.FirstError})");
        Require(
            reconciliation.Produced >= produced.Delivered && reconciliation.Produced <= produced.Delivered + produced.Uncertain,
            $"the producer had {produced.Delivered} records acknowledged ({produced.Uncertain} more sent again after a delivery of unknown outcome), Kafka holds {reconciliation.Produced}");
        Require(reconciliation.Missing == 0, $"{reconciliation.Missing} offsets missing");
        Require(reconciliation.Duplicated == 0, $"{reconciliation.Duplicated} offsets duplicated");
        Require(reconciliation.Unexpected == 0, $"{reconciliation.Unexpected} rows for no produced offset");
        Require(reconciliation.Produced == reconciliation.Stored + reconciliation.Rejected, "produced != stored + rejected");
        Require(
            reconciliation.Rejected >= produced.DeliveredToReject && reconciliation.Rejected <= produced.DeliveredToReject + produced.UncertainToReject,
            $"{reconciliation.Rejected} dead letters for {produced.DeliveredToReject} malformed records ({produced.UncertainToReject} more sent again after a delivery of unknown outcome)");
        Require(reconciliation.RejectedWithoutReason == 0, $"{reconciliation.RejectedWithoutReason} dead letters without a reason");
    }

    public void RequireResumption(TimeSpan resumption)
    {
        var bound = quick ? ResumptionLiveness : ResumptionGoal;
        Require(resumption <= bound, string.Create(CultureInfo.InvariantCulture, $"a partition stalled {resumption.TotalSeconds:F1} s ({(quick ? "liveness bound" : "goal")} {bound.TotalSeconds:F0} s)"));
    }

    public void RequireBoundedMemory(long peakBytes)
    {
        var bound = quick ? MemoryLivenessBytes : MemoryBoundBytes;
        Require(peakBytes <= bound, string.Create(CultureInfo.InvariantCulture, $"a silo reached {peakBytes / 1048576.0:F0} MiB ({(quick ? "liveness bound" : "bound")} {bound / 1048576} MiB)"));
    }
}
