using System.Globalization;

namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>
/// Bytes the silo's managed heap has allocated since it started, from its own <c>/metrics</c>
/// (<c>dotnet_gc_heap_total_allocated_bytes_total</c>, .NET's runtime instrumentation); null when the silo does not
/// answer or does not export it.
/// </summary>
public static class SiloAllocations
{
    private const string Metric = "dotnet_gc_heap_total_allocated_bytes_total";

    public static async Task<long?> ReadAsync(HttpClient http, int httpPort, CancellationToken cancellationToken)
    {
        var text = await SiloMetricsPage.ReadAsync(http, httpPort, cancellationToken);
        if (text is null)
        {
            return null;
        }

        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(Metric, StringComparison.Ordinal) && line.Length > Metric.Length && line[Metric.Length] is ' ' or '{')
            {
                var value = line[(line.LastIndexOf(' ') + 1)..];
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes) ? (long)bytes : null;
            }
        }

        return null;
    }

    /// <summary>Bytes per event between two readings; null when either is missing or no event was counted.</summary>
    public static double? PerEvent(long? atStart, long? atEnd, long events) =>
        atEnd - atStart is { } allocated && events > 0 ? (double)allocated / events : null;
}
