namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// What one flush stored, per partition: events per type (with their first and last event time) and dead letters.
/// Counted from the rows actually written (after any refused row became a dead letter), for the counters and the ledger.
/// </summary>
public sealed class FlushTally
{
    private readonly SortedDictionary<(int Partition, string EventType), TypeTally> events = new();
    private readonly SortedDictionary<int, long> rejected = new();

    public IEnumerable<KeyValuePair<(int Partition, string EventType), TypeTally>> Events => events;

    public IEnumerable<KeyValuePair<int, long>> Rejected => rejected;

    public void AddEvent(int partition, string eventType, DateTimeOffset eventTime)
    {
        var key = (partition, eventType);
        events[key] = events.TryGetValue(key, out var tally)
            ? new TypeTally(tally.Events + 1, eventTime < tally.First ? eventTime : tally.First, eventTime > tally.Last ? eventTime : tally.Last)
            : new TypeTally(1, eventTime, eventTime);
    }

    public void AddRejected(int partition) => rejected[partition] = rejected.GetValueOrDefault(partition) + 1;

    public long EventsOf(int partition) => events.Where(e => e.Key.Partition == partition).Sum(e => e.Value.Events);

    public long RejectedOf(int partition) => rejected.GetValueOrDefault(partition);

    /// <summary>All partitions that stored anything, in order.</summary>
    public IEnumerable<int> Partitions => events.Keys.Select(k => k.Partition).Concat(rejected.Keys).Distinct().Order();

    public readonly record struct TypeTally(long Events, DateTimeOffset First, DateTimeOffset Last);
}
