namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>The ranges the stats grains accept; the API and the CLI check them before calling.</summary>
public static class StatsLimits
{
    public const int DefaultLatest = 20;

    public const int MaxLatest = 1000;

    public const int MaxTopCount = 1000;

    /// <summary>The longest window of the top movies, in minutes (7 days).</summary>
    public const int MaxTopMinutes = 7 * 24 * 60;
}
