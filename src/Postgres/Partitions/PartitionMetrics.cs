using System.Diagnostics.Metrics;

namespace UserEvents.Orleans.Postgres.Partitions;

/// <summary>
/// The partition maintenance's instruments (meter <see cref="MeterName"/>). The gauges show the last pass's figures, so
/// a scrape of /metrics never queries PostgreSQL.
/// </summary>
public sealed class PartitionMetrics
{
    public const string MeterName = "UserEvents.Orleans.Partitions";

    private readonly Counter<long> created;
    private readonly Counter<long> dropped;
    private readonly Lock gate = new();
    private IReadOnlyDictionary<string, int> partitions = new Dictionary<string, int>();
    private IReadOnlyDictionary<string, long> defaultRows = new Dictionary<string, long>();
    private DateTimeOffset? lastSuccess;

    public PartitionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        created = meter.CreateCounter<long>("user_events.partitions.created", "{partition}", "Time partitions created ahead of time by this silo");
        dropped = meter.CreateCounter<long>("user_events.partitions.dropped", "{partition}", "Time partitions dropped by retention (with their counters) by this silo");
        meter.CreateObservableGauge("user_events.partitions", () => Per(partitions), "{partition}", "Partitions of each partitioned table (the default partition included), as of the last maintenance pass");
        meter.CreateObservableGauge("user_events.partitions.default_rows", () => Per(defaultRows), "{row}", "Rows in the default partition (rows outside every time partition), counted up to 1000, as of the last maintenance pass");
        meter.CreateObservableGauge("user_events.partitions.maintenance.last_success", LastSuccess, "s", "Unix time of the last maintenance pass that completed (ensure, retention, pruning) on any silo seen by this one");
    }

    /// <summary>Records a pass; a skipped pass (another silo maintained) changes nothing.</summary>
    public void Record(PartitionMaintenanceReport report, DateTimeOffset now)
    {
        if (!report.Ran)
        {
            return;
        }

        foreach (var group in report.Created.GroupBy(ParentOf))
        {
            created.Add(group.Count(), new KeyValuePair<string, object?>("parent", group.Key));
        }

        foreach (var group in report.Dropped.GroupBy(d => d.Parent))
        {
            dropped.Add(group.Count(), new KeyValuePair<string, object?>("parent", group.Key));
        }

        lock (gate)
        {
            partitions = report.PartitionsPerParent;
            defaultRows = report.DefaultPartitionRows;
            if (report.Complete)
            {
                lastSuccess = now;
            }
        }
    }

    private static string ParentOf(string partition) =>
        partition.StartsWith(PartitionParents.Rejected + "_", StringComparison.Ordinal) ? PartitionParents.Rejected : PartitionParents.Events;

    private Measurement<T>[] Per<T>(IReadOnlyDictionary<string, T> values)
        where T : struct
    {
        lock (gate)
        {
            return values.Select(v => new Measurement<T>(v.Value, new KeyValuePair<string, object?>("parent", v.Key))).ToArray();
        }
    }

    private Measurement<double>[] LastSuccess()
    {
        lock (gate)
        {
            return lastSuccess is { } at ? [new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0)] : [];
        }
    }
}
