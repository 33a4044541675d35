namespace UserEvents.Orleans.Postgres.Partitions;

/// <summary>The partitioned tables (sql/0017) and the default partition of each.</summary>
public static class PartitionParents
{
    public const string Events = "user_events";
    public const string Rejected = "user_events_rejected";

    public static IReadOnlyList<string> All { get; } = [Events, Rejected];

    public static string DefaultPartitionOf(string parent) => parent + "_default";
}
