using System.Globalization;
using System.Text.RegularExpressions;

namespace UserEvents.Orleans.Postgres.Partitions;

/// <summary>
/// Reads an interval written as PostgreSQL writes one, limited to what partitions may use: a whole number of minutes,
/// hours or days ("1 day", "6 hours", "15 minutes"). Months are refused: their length varies, and the partitions are
/// made by <c>date_bin</c>, which takes fixed widths only.
/// </summary>
public static partial class PartitionInterval
{
    public static bool TryParse(string text, out TimeSpan interval)
    {
        interval = default;
        var match = Pattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups["count"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }

        var unit = match.Groups["unit"].Value.ToLowerInvariant();
        var minutes = unit.StartsWith('d') ? count * 1440 : unit.StartsWith('h') ? count * 60 : count;
        if (minutes < 1 || minutes > 3_650 * 1440)
        {
            return false;
        }

        interval = TimeSpan.FromMinutes(minutes);
        return true;
    }

    [GeneratedRegex(@"^\s*(?<count>[0-9]{1,9})\s*(?<unit>minutes?|mins?|hours?|days?)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
