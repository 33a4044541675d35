namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>
/// The rate over a window of whole minutes of <c>ingest_minutes</c>: from the start of the minute
/// <c>wholeMinutes</c> before the current one up to now, so the window is between wholeMinutes and wholeMinutes + 1
/// minutes long.
/// </summary>
public static class RecentRate
{
    public static DateTimeOffset WindowStart(DateTimeOffset at, int wholeMinutes)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero).AddMinutes(-wholeMinutes);
    }

    /// <summary>Events per second, rounded to 2 decimals, for <paramref name="events"/> stored in the window ending at <paramref name="at"/>.</summary>
    public static double PerSecond(long events, DateTimeOffset at, int wholeMinutes) =>
        Math.Round(events / (at - WindowStart(at, wholeMinutes)).TotalSeconds, 2);
}
