namespace OrleansKafka.Streaming;

/// <summary>
/// Decides when a receiver should look at its partition's checkpoint, and whether the checkpoint has stopped
/// following what the receiver handed out for longer than the allowed time.
/// </summary>
internal sealed class StalledCheckpointWatch(TimeSpan probeInterval, TimeSpan stallTimeout, TimeProvider time)
{
    private long lastCheckpoint;
    private long lastProgress;
    private long lastProbe;

    public void Reset(long checkpoint)
    {
        lastCheckpoint = checkpoint;
        lastProgress = lastProbe = time.GetTimestamp();
    }

    /// <summary>True when the receiver has read past the last known checkpoint and a probe is due.</summary>
    public bool ShouldProbe(long position)
    {
        if (position <= lastCheckpoint)
        {
            lastProgress = time.GetTimestamp();
            return false;
        }

        if (time.GetElapsedTime(lastProbe) < probeInterval)
        {
            return false;
        }

        lastProbe = time.GetTimestamp();
        return true;
    }

    /// <summary>Records a probed checkpoint; true when it has not moved for the stall timeout.</summary>
    public bool IsStalled(long checkpoint)
    {
        if (checkpoint != lastCheckpoint)
        {
            lastCheckpoint = checkpoint;
            lastProgress = time.GetTimestamp();
            return false;
        }

        return time.GetElapsedTime(lastProgress) >= stallTimeout;
    }
}
