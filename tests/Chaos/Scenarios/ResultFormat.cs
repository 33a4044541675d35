using System.Globalization;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>How durations and sizes read in notes and in the results table.</summary>
public static class ResultFormat
{
    public static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    public static string Mebibytes(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) + " MiB";
}
