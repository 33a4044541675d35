namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>Fails a drain that makes no progress for <see cref="BacklogDrain.StallTimeout"/>.</summary>
public sealed class DrainProgress(Func<long> done, long events)
{
    private long lastDone = done();
    private long lastProgress = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <exception cref="TimeoutException">Nothing was done since the stall timeout.</exception>
    public void Check()
    {
        var now = done();
        if (now != lastDone)
        {
            (lastDone, lastProgress) = (now, System.Diagnostics.Stopwatch.GetTimestamp());
        }
        else if (System.Diagnostics.Stopwatch.GetElapsedTime(lastProgress) > BacklogDrain.StallTimeout)
        {
            throw new TimeoutException($"no progress for {BacklogDrain.StallTimeout.TotalSeconds:F0} s at {now:N0} of {events:N0} events");
        }
    }
}
