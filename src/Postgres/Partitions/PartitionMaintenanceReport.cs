namespace UserEvents.Orleans.Postgres.Partitions;

/// <summary>
/// What one maintenance pass found and did; <see cref="Ran"/> is false when another silo held the maintenance lock.
/// <see cref="SummarizedRanges"/>: BRIN block ranges of the partitions rows go to now that the pass summarized (sql/0020).
/// </summary>
public sealed record PartitionMaintenanceReport(
    bool Ran,
    IReadOnlyList<string> Created,
    IReadOnlyList<DroppedPartition> Dropped,
    IReadOnlyDictionary<string, int> PartitionsPerParent,
    IReadOnlyDictionary<string, long> DefaultPartitionRows,
    bool Complete,
    long SummarizedRanges = 0)
{
    public static PartitionMaintenanceReport Skipped { get; } =
        new(false, [], [], new Dictionary<string, int>(), new Dictionary<string, long>(), Complete: false);
}

/// <summary>
/// A partition removed by retention, with how it was detached; <see cref="Duration"/> until its rows were out of the table
/// and the counters (detach and retire), <see cref="PurgeDuration"/> for the DROP TABLE that removed its files after that.
/// </summary>
public sealed record DroppedPartition(string Parent, string Partition, DateTimeOffset FromAt, DateTimeOffset ToAt, bool Concurrently, TimeSpan Duration, TimeSpan PurgeDuration);
