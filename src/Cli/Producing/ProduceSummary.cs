using System.Globalization;

namespace UserEvents.Orleans.Cli.Producing;

/// <summary>The closing line of <c>produce</c>, which scripts and tests read.</summary>
public static class ProduceSummary
{
    /// <summary><c>produced N events (M malformed) in S s (R events/s)</c>, N and M counting acknowledged records.</summary>
    public static string Format(DeliveryCounts counts, TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"produced {counts.Delivered} events ({counts.DeliveredMalformed} malformed) in {seconds:F2} s ({counts.Delivered / seconds:F0} events/s)");
    }
}
