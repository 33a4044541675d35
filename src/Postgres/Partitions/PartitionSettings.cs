using UserEvents.Orleans.Postgres.Configuration;

namespace UserEvents.Orleans.Postgres.Partitions;

/// <summary>
/// How the time partitions of <c>user_events</c> and <c>user_events_rejected</c> are kept (README, "Partitions and
/// retention"): their width, how many are made ahead of now, how long they are kept, and how often that is checked.
/// </summary>
public sealed record PartitionSettings
{
    public const string IntervalVariable = "USER_EVENTS_PARTITION_INTERVAL";
    public const string AheadVariable = "USER_EVENTS_PARTITIONS_AHEAD";
    public const string RetentionVariable = "USER_EVENTS_RETENTION";
    public const string MaintenanceVariable = "USER_EVENTS_MAINTENANCE_SECONDS";

    /// <summary>The width of a partition (a whole number of minutes, hours or days).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Partitions made beyond the current one, so that a COPY never finds its partition missing.</summary>
    public int Ahead { get; init; } = 3;

    /// <summary>A partition is dropped once its end is this far in the past; null keeps everything.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>How often a silo checks the partitions (one silo at a time does the work).</summary>
    public TimeSpan MaintenancePeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Reads the four variables; each wrong one adds a sentence naming it to <see cref="EnvironmentReader.Errors"/>.</summary>
    public static PartitionSettings Read(EnvironmentReader reader, IReadOnlyDictionary<string, string?> variables)
    {
        var defaults = new PartitionSettings();
        var interval = defaults.Interval;
        if (Value(variables, IntervalVariable) is { } intervalText)
        {
            if (PartitionInterval.TryParse(intervalText, out var parsed))
            {
                interval = parsed;
            }
            else
            {
                reader.Errors.Add($"{IntervalVariable}='{intervalText}' is not an interval of whole minutes, hours or days of at least 1 minute (e.g. '1 day', '6 hours', '15 minutes')");
            }
        }

        TimeSpan? retention = null;
        if (Value(variables, RetentionVariable) is { } retentionText && !string.IsNullOrWhiteSpace(retentionText))
        {
            if (PartitionInterval.TryParse(retentionText, out var parsed))
            {
                retention = parsed;
            }
            else
            {
                reader.Errors.Add($"{RetentionVariable}='{retentionText}' is not an interval of whole minutes, hours or days of at least 1 minute (e.g. '30 days'); leave it empty to keep everything");
            }
        }

        return new PartitionSettings
        {
            Interval = interval,
            Ahead = reader.Int(AheadVariable, defaults.Ahead, 1, 1000),
            Retention = retention,
            MaintenancePeriod = TimeSpan.FromSeconds(reader.Int(MaintenanceVariable, (int)defaults.MaintenancePeriod.TotalSeconds, 1, 86_400)),
        };
    }

    private static string? Value(IReadOnlyDictionary<string, string?> variables, string name) =>
        variables.TryGetValue(name, out var value) ? value : null;
}
