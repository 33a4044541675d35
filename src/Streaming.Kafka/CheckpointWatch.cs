namespace OrleansKafka.Streaming;

/// <summary>
/// What a receiver's probe of its checkpoint found: the checkpoint follows the reads, has stopped following them for the
/// stall timeout, or went back (the store lost commits it had acknowledged: a failover to a standby that lacked them, a
/// restore, an operator's decision), in which case everything after it must be read again.
/// </summary>
internal enum CheckpointVerdict
{
    Following,
    Stalled,
    WentBack,
}

/// <summary>
/// Decides when a receiver looks at its partition's checkpoint and judges what it sees. Checkpoints compare as
/// (generation, offset); a store whose commit history changed (<see cref="IKafkaCheckpointStore.ReadCommitHistoryAsync"/>)
/// counts as gone back even when the checkpoint looks the same, because commits the receiver never saw may be lost too.
/// </summary>
internal sealed class CheckpointWatch(TimeSpan probeInterval, TimeSpan stallTimeout, TimeSpan reportAfter, TimeProvider time)
{
    private KafkaCheckpoint last;
    private string? history;
    private long lastProgress;
    private long lastProbe;

    /// <summary>The last checkpoint seen.</summary>
    public KafkaCheckpoint Last => last;

    /// <summary>When the checkpoint last followed the reads (a Stopwatch timestamp of <see cref="TimeProvider"/>).</summary>
    public long LastProgress => Volatile.Read(ref lastProgress);

    /// <summary>True when the checkpoint has not followed the reads for <c>reportAfter</c>: the partition stores nothing.</summary>
    public bool IsBehind => time.GetElapsedTime(LastProgress) >= reportAfter;

    /// <summary>Starts watching from <paramref name="checkpoint"/>, read from the store whose history is <paramref name="storeHistory"/> (null: unknown).</summary>
    public void Reset(KafkaCheckpoint checkpoint, string? storeHistory)
    {
        last = checkpoint;
        history = storeHistory ?? history;
        var now = time.GetTimestamp();
        Volatile.Write(ref lastProgress, now);
        lastProbe = now;
    }

    /// <summary>True when a probe is due; an idle receiver (nothing read past the checkpoint) probes too, so a rollback under it is seen.</summary>
    public bool ShouldProbe(long position)
    {
        if (position <= last.NextOffset)
        {
            Volatile.Write(ref lastProgress, time.GetTimestamp());
        }

        if (time.GetElapsedTime(lastProbe) < probeInterval)
        {
            return false;
        }

        lastProbe = time.GetTimestamp();
        return true;
    }

    /// <summary>Judges a probed checkpoint and the store's commit history (null when the store cannot tell).</summary>
    public CheckpointVerdict Observe(KafkaCheckpoint stored, string? storeHistory)
    {
        var historyChanged = history is not null && storeHistory is not null && !string.Equals(history, storeHistory, StringComparison.Ordinal);
        history = storeHistory ?? history;
        if (historyChanged || Compare(stored, last) < 0)
        {
            return CheckpointVerdict.WentBack;
        }

        if (stored != last)
        {
            last = stored;
            Volatile.Write(ref lastProgress, time.GetTimestamp());
            return CheckpointVerdict.Following;
        }

        return time.GetElapsedTime(LastProgress) >= stallTimeout ? CheckpointVerdict.Stalled : CheckpointVerdict.Following;
    }

    /// <summary>Orders checkpoints as (generation, offset).</summary>
    public static int Compare(KafkaCheckpoint a, KafkaCheckpoint b) =>
        a.LogGeneration != b.LogGeneration ? a.LogGeneration.CompareTo(b.LogGeneration) : a.NextOffset.CompareTo(b.NextOffset);
}
