using System.Runtime.InteropServices;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// What one flush stored, per partition: events per type (with their first and last event time) and dead letters.
/// Counted from the rows actually written (after any refused row became a dead letter), for the counters and the ledger.
/// </summary>
public sealed class FlushTally
{
    // Counted per event, ordered once per flush: a sorted dictionary here cost 5% of the silo's CPU (docs/BENCHMARKS.md).
    private readonly Dictionary<(int Partition, string EventType), TypeTally> events = [];
    private readonly Dictionary<int, long> rejected = [];

    /// <summary>Per (partition, event type), in that order.</summary>
    public IEnumerable<KeyValuePair<(int Partition, string EventType), TypeTally>> Events => events.OrderBy(e => e.Key);

    /// <summary>Per partition, in order.</summary>
    public IEnumerable<KeyValuePair<int, long>> Rejected => rejected.OrderBy(r => r.Key);

    public void AddEvent(int partition, string eventType, DateTimeOffset eventTime)
    {
        ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(events, (partition, eventType), out var exists);
        tally = exists
            ? new TypeTally(tally.Events + 1, eventTime < tally.First ? eventTime : tally.First, eventTime > tally.Last ? eventTime : tally.Last)
            : new TypeTally(1, eventTime, eventTime);
    }

    public void AddRejected(int partition) => CollectionsMarshal.GetValueRefOrAddDefault(rejected, partition, out _)++;

    public long EventsOf(int partition) => events.Where(e => e.Key.Partition == partition).Sum(e => e.Value.Events);

    public long RejectedOf(int partition) => rejected.GetValueOrDefault(partition);

    /// <summary>All partitions that stored anything, in order.</summary>
    public IEnumerable<int> Partitions => events.Keys.Select(k => k.Partition).Concat(rejected.Keys).Distinct().Order();

    public readonly record struct TypeTally(long Events, DateTimeOffset First, DateTimeOffset Last);
}
