namespace UserEvents.Orleans.Chaos.Rebalancing;

/// <summary>Reads one trial out of the snapshots taken from just before the fault until the cluster settled again.</summary>
public static class MoveTrialAnalysis
{
    /// <summary>
    /// The first snapshot at which <paramref name="port"/>'s membership row shows the change of <paramref name="kind"/>,
    /// against <paramref name="before"/> (for a join: a generation not Active before; otherwise the generation that was Active).
    /// </summary>
    public static ClusterSnapshot? FindChange(MoveKind kind, int port, ClusterSnapshot before, IReadOnlyList<ClusterSnapshot> after)
    {
        var wasActive = before.Members.Where(m => m.Port == port && m.Status == MemberRow.Active).Select(m => m.Generation).ToHashSet();
        return after.FirstOrDefault(s => s.Members.Any(m => m.Port == port && kind switch
        {
            MoveKind.Join => m.Status == MemberRow.Active && !wasActive.Contains(m.Generation),
            MoveKind.GracefulStop => wasActive.Contains(m.Generation) && m.Status != MemberRow.Active,
            _ => wasActive.Contains(m.Generation) && m.Status == MemberRow.Dead,
        }));
    }

    /// <summary>
    /// The measured trial, once the cluster settled after the change; null while it has not (the caller waits and asks
    /// again). <paramref name="faultAt"/>: when the harness sent the signal or started the process.
    /// </summary>
    public static MoveTrial? Analyze(
        MoveKind kind, int number, string silo, int port, DateTimeOffset faultAt, ClusterSnapshot before, IReadOnlyList<ClusterSnapshot> after, int partitions)
    {
        var change = FindChange(kind, port, before, after);
        if (change is null)
        {
            return null;
        }

        var settled = after.FirstOrDefault(s => s.At >= change.At && s.IsSettled(partitions) && !SameAssignment(s, before));
        if (settled is null)
        {
            return null;
        }

        var moved = Enumerable.Range(0, partitions).Where(p => settled.QueueOwners[p].Owner != before.QueueOwners[p].Owner).ToArray();
        var firstCommits = new Dictionary<int, DateTimeOffset>();
        foreach (var snapshot in after)
        {
            foreach (var partition in moved.Where(p => !firstCommits.ContainsKey(p)))
            {
                var newOwner = settled.QueueOwners[partition].Owner;
                if (snapshot.Checkpoints.TryGetValue(partition, out var checkpoint)
                    && checkpoint.Owner == newOwner
                    && checkpoint.OwnerSince is { } pinned
                    && checkpoint.UpdatedAt > pinned
                    && checkpoint.UpdatedAt > faultAt)
                {
                    firstCommits[partition] = checkpoint.UpdatedAt;
                }
            }
        }

        if (firstCommits.Count < moved.Length)
        {
            return null;
        }

        var ownerChanges = 0;
        var previous = before;
        foreach (var snapshot in after.Where(s => s.At <= settled.At))
        {
            if (snapshot.QueueOwners.Count == partitions && previous.QueueOwners.Count == partitions)
            {
                ownerChanges += Enumerable.Range(0, partitions).Count(p => snapshot.QueueOwners[p].Owner != previous.QueueOwners[p].Owner);
                previous = snapshot;
            }
        }

        var oldShares = before.QueueOwners.Values.GroupBy(q => q.Owner).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var newShares = settled.QueueOwners.Values.GroupBy(q => q.Owner).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var minimal = oldShares.Sum(o => Math.Max(0, o.Value - newShares.GetValueOrDefault(o.Key)));
        var changeAt = change.At;
        TimeSpan Latest(IEnumerable<DateTimeOffset> times) => times.DefaultIfEmpty(changeAt).Max() - changeAt;
        return new MoveTrial(
            kind,
            number,
            silo,
            changeAt - faultAt,
            Latest(moved.Select(p => settled.QueueOwners[p].UpdatedAt)),
            Latest(moved.Select(p => settled.Checkpoints[p].OwnerSince ?? changeAt)),
            Latest(firstCommits.Values),
            ownerChanges,
            minimal,
            string.Join("/", newShares.Values.OrderByDescending(v => v)),
            null);
    }

    private static bool SameAssignment(ClusterSnapshot a, ClusterSnapshot b) =>
        a.QueueOwners.Count == b.QueueOwners.Count && a.QueueOwners.All(q => b.QueueOwners.TryGetValue(q.Key, out var o) && o.Owner == q.Value.Owner);
}
