using System.ComponentModel.DataAnnotations;
using UserEvents.Orleans.Postgres.Configuration;

namespace UserEvents.Orleans.Grains.Writing;

/// <summary>When the silo's writer flushes its buffer to PostgreSQL: the one place of these settings' defaults and ranges.</summary>
public sealed class GroupCommitOptions
{
    /// <summary>Flush as soon as this many records (events and dead letters) are buffered.</summary>
    [Range(1, 10_000_000)]
    public int MaxBufferedRecords { get; set; } = 10_000;

    /// <summary>Flush what is buffered at the latest this long after the first batch arrived.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// At most this many records are held (waiting or being flushed); a write that would pass it waits until a flush
    /// makes room (one write alone is always let in), so nothing is dropped unstored and memory stays bounded.
    /// </summary>
    [Range(1, 10_000_000)]
    public int BufferLimitRecords { get; set; } = 50_000;

    /// <summary>At most about this many bytes are held (estimated from the event count and the dead letters' sizes); as <see cref="BufferLimitRecords"/>.</summary>
    [Range(typeof(long), "1048576", "68719476736")]
    public long BufferLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How many flushes (PostgreSQL connections) may run at once.</summary>
    [Range(1, 64)]
    public int MaxConcurrentFlushes { get; set; } = 2;

    /// <summary>How many times a failed flush is tried again before its batches are handed back as failed (the pulling agent then redelivers them).</summary>
    [Range(0, 10)]
    public int RetryAttempts { get; set; } = 3;

    /// <summary>Every problem with the options, each starting with the name of its setting.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var problem in OptionRanges.Problems(this))
        {
            yield return problem;
        }

        if (BufferLimitRecords < MaxBufferedRecords)
        {
            yield return $"{nameof(BufferLimitRecords)} ({BufferLimitRecords}) must be at least {nameof(MaxBufferedRecords)} ({MaxBufferedRecords})";
        }
    }
}
