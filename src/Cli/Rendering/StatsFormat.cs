using System.Globalization;

namespace UserEvents.Orleans.Cli.Rendering;

/// <summary>How figures are written in tables: plain invariant numbers (easy to grep), UTC times, "-" for unknown.</summary>
internal static class StatsFormat
{
    public const string Unknown = "-";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Number(long? value) => value is { } known ? Number(known) : Unknown;

    public static string Rate(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? value) => value is { } known ? Time(known) : Unknown;
}
