namespace UserEvents.Orleans.Postgres.Partitions;

/// <summary>What one maintenance pass found and did; <see cref="Ran"/> is false when another silo held the maintenance lock.</summary>
public sealed record PartitionMaintenanceReport(
    bool Ran,
    IReadOnlyList<string> Created,
    IReadOnlyList<DroppedPartition> Dropped,
    IReadOnlyDictionary<string, int> PartitionsPerParent,
    IReadOnlyDictionary<string, long> DefaultPartitionRows,
    bool Complete)
{
    public static PartitionMaintenanceReport Skipped { get; } =
        new(false, [], [], new Dictionary<string, int>(), new Dictionary<string, long>(), Complete: false);
}

/// <summary>A partition removed by retention, with how it was detached and how long detach, counters and drop took.</summary>
public sealed record DroppedPartition(string Parent, string Partition, DateTimeOffset FromAt, DateTimeOffset ToAt, bool Concurrently, TimeSpan Duration);
