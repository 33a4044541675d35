using UserEvents.Orleans.Contracts;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// The exactly-once decision for a group of batches, given the partitions' checkpoints as locked in the database.
/// Per partition, batches are taken in offset order against a running checkpoint:
/// checkpoint at or past the batch's end: already stored; checkpoint inside [from, to): store the records at or
/// after the checkpoint (all of them when it equals from; a batch overlapping one stored by a silo that just lost
/// the partition is trimmed) and move the checkpoint to the end; checkpoint before the start or missing: a gap, store nothing.
/// A batch read from an older log generation than the checkpoint's is already stored (its log was replaced: what it
/// holds was stored under that generation, or is gone from Kafka); one from a newer generation is a gap.
/// </summary>
public sealed class CommitPlan
{
    private CommitPlan(BatchPlan[] batches, Dictionary<PartitionKey, CheckpointMove> moves)
    {
        Batches = batches;
        Moves = moves;
        NewCheckpoints = moves.ToDictionary(m => m.Key, m => m.Value.To);
    }

    /// <summary>One entry per input batch, in input order.</summary>
    public IReadOnlyList<BatchPlan> Batches { get; }

    /// <summary>The checkpoints that move, with their new values.</summary>
    public IReadOnlyDictionary<PartitionKey, long> NewCheckpoints { get; }

    /// <summary>Per partition whose checkpoint moves: the range it moves over (one ledger entry).</summary>
    public IReadOnlyDictionary<PartitionKey, CheckpointMove> Moves { get; }

    public static CommitPlan Create(IReadOnlyList<UserEventBatch> batches, IReadOnlyDictionary<PartitionKey, KafkaCheckpoint> checkpoints)
    {
        var plans = new BatchPlan[batches.Count];
        var running = checkpoints.ToDictionary(c => c.Key, c => c.Value.NextOffset);
        var moves = new Dictionary<PartitionKey, CheckpointMove>();
        var order = Enumerable.Range(0, batches.Count).OrderBy(i => batches[i].FromOffset);
        foreach (var index in order)
        {
            var batch = batches[index];
            var key = new PartitionKey(batch.Topic, batch.Partition);
            var known = checkpoints.TryGetValue(key, out var stored);
            var checkpoint = known ? running[key] : 0;
            if (known && batch.LogGeneration < stored.LogGeneration)
            {
                plans[index] = new BatchPlan(batch, BatchCommitStatus.AlreadyStored, checkpoint, 0, 0);
            }
            else if (!known || batch.LogGeneration > stored.LogGeneration || checkpoint < batch.FromOffset)
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
                running[key] = batch.ToOffset;
                // The records before the checkpoint were delivered to the batch but are not part of this move.
                long? delivered = batch.Delivered - firstEvent - firstRejection;
                if (moves.TryGetValue(key, out var earlier))
                {
                    delivered += earlier.Delivered;
                }

                moves[key] = new CheckpointMove(stored.LogGeneration, stored.NextOffset, batch.ToOffset, delivered);
                plans[index] = new BatchPlan(batch, BatchCommitStatus.Committed, batch.ToOffset, firstEvent, firstRejection);
            }
        }

        return new CommitPlan(plans, moves);
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

/// <summary>
/// A checkpoint moving over [<paramref name="From"/>, <paramref name="To"/>) of log generation <paramref name="LogGeneration"/>,
/// for which Kafka delivered <paramref name="Delivered"/> records (null when a batch of it did not say).
/// </summary>
public readonly record struct CheckpointMove(int LogGeneration, long From, long To, long? Delivered);

/// <summary>A topic partition.</summary>
public readonly record struct PartitionKey(string Topic, int Partition);

/// <summary>What to do with one batch: its status, the checkpoint after it, and where its stored records start.</summary>
public sealed record BatchPlan(UserEventBatch Batch, BatchCommitStatus Status, long Checkpoint, int FirstEvent, int FirstRejection)
{
    public int EventsToWrite => Status == BatchCommitStatus.Committed ? Batch.Events.Length - FirstEvent : 0;

    public int RejectionsToWrite => Status == BatchCommitStatus.Committed ? Batch.Rejections.Length - FirstRejection : 0;

    public BatchCommitOutcome ToOutcome() => new(Status, Checkpoint, EventsToWrite, RejectionsToWrite);
}
