using System.Globalization;

namespace UserEvents.Orleans.Chaos.Measuring;

/// <summary>
/// One silo's counters as its /metrics shows them, summed over partitions: records its receivers read
/// (<c>kafka_receiver_records_total</c>) and events its writer stored (<c>user_events_stored_total</c>).
/// </summary>
public sealed record SiloIngestionCounters(long RecordsRead, long EventsStored)
{
    public static async Task<SiloIngestionCounters> ScrapeAsync(int httpPort, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/metrics"), cancellationToken);
        return new SiloIngestionCounters(Sum(text, "kafka_receiver_records_total"), Sum(text, "user_events_stored_total"));
    }

    public SiloIngestionCounters Since(SiloIngestionCounters earlier) => new(RecordsRead - earlier.RecordsRead, EventsStored - earlier.EventsStored);

    private static long Sum(string metrics, string series) => metrics
        .Split('\n')
        .Where(line => line.StartsWith(series, StringComparison.Ordinal) && (line.Length == series.Length || line[series.Length] is '{' or ' '))
        .Sum(line => (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
