using UserEvents.Orleans.Contracts;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// The exactly-once decision for a group of batches, given the partitions' checkpoints as locked in the database.
/// Per partition, batches are taken in offset order against a running checkpoint:
/// checkpoint at or past the batch's end: already stored; checkpoint inside [from, to): store the records at or
/// after the checkpoint (all of them when it equals from; a batch overlapping one stored by a silo that just lost
/// the partition is trimmed) and move the checkpoint to the end; checkpoint before the start or missing: a gap, store nothing.
/// </summary>
public sealed class CommitPlan
{
    private CommitPlan(BatchPlan[] batches, Dictionary<PartitionKey, long> newCheckpoints)
    {
        Batches = batches;
        NewCheckpoints = newCheckpoints;
    }

    /// <summary>One entry per input batch, in input order.</summary>
    public IReadOnlyList<BatchPlan> Batches { get; }

    /// <summary>The checkpoints that move, with their new values.</summary>
    public IReadOnlyDictionary<PartitionKey, long> NewCheckpoints { get; }

    public static CommitPlan Create(IReadOnlyList<UserEventBatch> batches, IReadOnlyDictionary<PartitionKey, long> checkpoints)
    {
        var plans = new BatchPlan[batches.Count];
        var running = new Dictionary<PartitionKey, long>(checkpoints);
        var moved = new Dictionary<PartitionKey, long>();
        var order = Enumerable.Range(0, batches.Count).OrderBy(i => batches[i].FromOffset);
        foreach (var index in order)
        {
            var batch = batches[index];
            var key = new PartitionKey(batch.Topic, batch.Partition);
            if (!running.TryGetValue(key, out var checkpoint) || checkpoint < batch.FromOffset)
            {
                plans[index] = new BatchPlan(batch, BatchCommitStatus.Gap, checkpoint, 0, 0);
            }
            else if (checkpoint >= batch.ToOffset)
            {
                plans[index] = new BatchPlan(batch, BatchCommitStatus.AlreadyStored, checkpoint, 0, 0);
            }
            else
            {
                var firstEvent = FirstAtOrAfter(batch.Events, checkpoint, static e => e.Offset);
                var firstRejection = FirstAtOrAfter(batch.Rejections, checkpoint, static r => r.Offset);
                running[key] = moved[key] = batch.ToOffset;
                plans[index] = new BatchPlan(batch, BatchCommitStatus.Committed, batch.ToOffset, firstEvent, firstRejection);
            }
        }

        return new CommitPlan(plans, moved);
    }

    private static int FirstAtOrAfter<T>(T[] items, long offset, Func<T, long> offsetOf)
    {
        var index = 0;
        while (index < items.Length && offsetOf(items[index]) < offset)
        {
            index++;
        }

        return index;
    }
}

/// <summary>A topic partition.</summary>
public readonly record struct PartitionKey(string Topic, int Partition);

/// <summary>What to do with one batch: its status, the checkpoint after it, and where its stored records start.</summary>
public sealed record BatchPlan(UserEventBatch Batch, BatchCommitStatus Status, long Checkpoint, int FirstEvent, int FirstRejection)
{
    public int EventsToWrite => Status == BatchCommitStatus.Committed ? Batch.Events.Length - FirstEvent : 0;

    public int RejectionsToWrite => Status == BatchCommitStatus.Committed ? Batch.Rejections.Length - FirstRejection : 0;

    public BatchCommitOutcome ToOutcome() => new(Status, Checkpoint, EventsToWrite, RejectionsToWrite);
}
