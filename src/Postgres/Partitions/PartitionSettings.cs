using System.Globalization;
using Microsoft.Extensions.Configuration;

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

    /// <summary>The four variables, as the README names them.</summary>
    public static IReadOnlyList<string> VariableNames { get; } = [IntervalVariable, AheadVariable, RetentionVariable, MaintenanceVariable];

    /// <summary>Reads the four variables from <paramref name="configuration"/>; each wrong one adds a line naming it to <paramref name="errors"/>.</summary>
    public static PartitionSettings Read(IConfiguration configuration, ICollection<string> errors)
    {
        var defaults = new PartitionSettings();
        var interval = defaults.Interval;
        if (configuration[IntervalVariable] is { } intervalText)
        {
            if (PartitionInterval.TryParse(intervalText, out var parsed))
            {
                interval = parsed;
            }
            else
            {
                errors.Add($"{IntervalVariable}='{intervalText}' is not an interval of whole minutes, hours or days of at least 1 minute (e.g. '1 day', '6 hours', '15 minutes')");
            }
        }

        TimeSpan? retention = null;
        if (configuration[RetentionVariable] is { } retentionText && !string.IsNullOrWhiteSpace(retentionText))
        {
            if (PartitionInterval.TryParse(retentionText, out var parsed))
            {
                retention = parsed;
            }
            else
            {
                errors.Add($"{RetentionVariable}='{retentionText}' is not an interval of whole minutes, hours or days of at least 1 minute (e.g. '30 days'); leave it empty to keep everything");
            }
        }

        return new PartitionSettings
        {
            Interval = interval,
            Ahead = Int(configuration, AheadVariable, defaults.Ahead, 1, 1000, errors),
            Retention = retention,
            MaintenancePeriod = TimeSpan.FromSeconds(Int(configuration, MaintenanceVariable, (int)defaults.MaintenancePeriod.TotalSeconds, 1, 86_400, errors)),
        };
    }

    /// <summary>Each variable with the value in effect, for the settings the silo logs at start.</summary>
    public IEnumerable<KeyValuePair<string, string>> Describe() =>
    [
        new(IntervalVariable, Interval.ToString()),
        new(AheadVariable, Ahead.ToString(CultureInfo.InvariantCulture)),
        new(RetentionVariable, Retention?.ToString() ?? "(keep everything)"),
        new(MaintenanceVariable, ((int)MaintenancePeriod.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
    ];

    private static int Int(IConfiguration configuration, string name, int fallback, int min, int max, ICollection<string> errors)
    {
        if (configuration[name] is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{name}='{text}' is not a whole number from {min} to {max}");
        return fallback;
    }
}
