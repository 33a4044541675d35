namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// One Kafka partition's totals in the ledger against the commit's counters (<c>event_type_counts</c>,
/// <c>rejected_counts</c>). Ledger ranges whose bucket is no longer a partition of <c>user_events</c> (dropped by
/// retention with its counters) are left out.
/// </summary>
public sealed record PartitionCounters(int Partition, long LedgerEvents, long CountedEvents, long LedgerRejected, long CountedRejected)
{
    public bool Agree => LedgerEvents == CountedEvents && LedgerRejected == CountedRejected;

    /// <param name="ledger">Per (partition, generation): the events and dead letters of its ranges in live buckets.</param>
    /// <param name="counted">Per partition: the counters' events and dead letters.</param>
    public static List<PartitionCounters> Join(IEnumerable<(int Partition, long Events, long Rejected)> ledger, IEnumerable<(int Partition, long Events, long Rejected)> counted)
    {
        var fromLedger = ledger.GroupBy(l => l.Partition).ToDictionary(g => g.Key, g => (Events: g.Sum(l => l.Events), Rejected: g.Sum(l => l.Rejected)));
        var fromCounters = counted.ToDictionary(c => c.Partition, c => (c.Events, c.Rejected));
        return fromLedger.Keys.Union(fromCounters.Keys).Order()
            .Select(p => new PartitionCounters(
                p,
                fromLedger.GetValueOrDefault(p).Events,
                fromCounters.GetValueOrDefault(p).Events,
                fromLedger.GetValueOrDefault(p).Rejected,
                fromCounters.GetValueOrDefault(p).Rejected))
            .ToList();
    }
}
