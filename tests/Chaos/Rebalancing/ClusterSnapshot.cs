namespace UserEvents.Orleans.Chaos.Rebalancing;

/// <summary>One silo incarnation's row of <c>orleans_membership</c> (status: Orleans' SiloStatus, 3 Active, 6 Dead).</summary>
public sealed record MemberRow(int Port, int Generation, int Status)
{
    public const int Active = 3;
    public const int Dead = 6;

    /// <summary>The silo's name in <c>kafka_queue_owners.owner</c> and <c>kafka_checkpoints.owner</c>: <c>ip:port@generation</c>.</summary>
    public string Key => FormattableString.Invariant($"127.0.0.1:{Port}@{Generation}");
}

/// <summary>One partition's row of <c>kafka_checkpoints</c>: <c>owner_since</c> is the receiver's pin, <c>updated_at</c> the last commit.</summary>
public sealed record CheckpointRow(long NextOffset, string? Owner, DateTimeOffset? OwnerSince, DateTimeOffset UpdatedAt);

/// <summary>One queue's row of <c>kafka_queue_owners</c>: the balancer's assignment and when it last changed owner.</summary>
public sealed record QueueOwnerRow(string Owner, DateTimeOffset UpdatedAt);

/// <summary>What one poll saw of membership, checkpoints and the balancer's assignment, at <see cref="At"/>.</summary>
public sealed record ClusterSnapshot(
    DateTimeOffset At,
    IReadOnlyList<MemberRow> Members,
    IReadOnlyDictionary<int, CheckpointRow> Checkpoints,
    IReadOnlyDictionary<int, QueueOwnerRow> QueueOwners)
{
    public IReadOnlyList<string> ActiveMembers => [.. Members.Where(m => m.Status == MemberRow.Active).Select(m => m.Key)];

    /// <summary>True when every queue has an active owner, each active silo owns ⌊N/k⌋ or ⌈N/k⌉, and each partition's reader is its assigned owner.</summary>
    public bool IsSettled(int partitions)
    {
        var active = ActiveMembers;
        if (active.Count == 0 || QueueOwners.Count != partitions || Checkpoints.Count != partitions)
        {
            return false;
        }

        var shares = active.ToDictionary(a => a, a => QueueOwners.Values.Count(q => q.Owner == a), StringComparer.Ordinal);
        return QueueOwners.Values.All(q => shares.ContainsKey(q.Owner))
            && shares.Values.All(s => s == partitions / active.Count || s == (partitions + active.Count - 1) / active.Count)
            && QueueOwners.All(q => Checkpoints.TryGetValue(q.Key, out var c) && c.Owner == q.Value.Owner);
    }
}
