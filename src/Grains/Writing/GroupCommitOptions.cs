namespace UserEvents.Orleans.Grains.Writing;

/// <summary>When the silo's writer flushes its buffer to PostgreSQL.</summary>
public sealed class GroupCommitOptions
{
    /// <summary>Flush as soon as this many records (events and dead letters) are buffered.</summary>
    public int MaxBufferedRecords { get; set; } = 10_000;

    /// <summary>Flush what is buffered at the latest this long after the first batch arrived.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// At most this many records are held (waiting or being flushed); a write that would pass it waits until a flush
    /// makes room (one write alone is always let in), so nothing is dropped unstored and memory stays bounded.
    /// </summary>
    public int BufferLimitRecords { get; set; } = 50_000;

    /// <summary>At most about this many bytes are held (estimated from the event count and the dead letters' sizes); as <see cref="BufferLimitRecords"/>.</summary>
    public long BufferLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How many flushes (PostgreSQL connections) may run at once.</summary>
    public int MaxConcurrentFlushes { get; set; } = 2;

    /// <summary>How many times a failed flush is tried again before its batches are handed back as failed (the pulling agent then redelivers them).</summary>
    public int RetryAttempts { get; set; } = 3;

    /// <summary>Every problem with the options, each naming its setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxBufferedRecords < 1)
        {
            yield return $"{nameof(MaxBufferedRecords)} must be at least 1";
        }

        if (BufferLimitRecords < MaxBufferedRecords)
        {
            yield return $"{nameof(BufferLimitRecords)} must be at least {nameof(MaxBufferedRecords)} ({MaxBufferedRecords})";
        }

        if (BufferLimitBytes < 1024 * 1024)
        {
            yield return $"{nameof(BufferLimitBytes)} must be at least 1 MiB";
        }

        if (FlushInterval < TimeSpan.Zero || FlushInterval > TimeSpan.FromSeconds(10))
        {
            yield return $"{nameof(FlushInterval)} must be between 0 and 10 s";
        }

        if (MaxConcurrentFlushes is < 1 or > 64)
        {
            yield return $"{nameof(MaxConcurrentFlushes)} must be between 1 and 64";
        }

        if (RetryAttempts is < 0 or > 10)
        {
            yield return $"{nameof(RetryAttempts)} must be between 0 and 10";
        }
    }
}
