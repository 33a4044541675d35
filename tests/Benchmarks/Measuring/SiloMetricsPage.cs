namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>The silo's Prometheus page (<c>/metrics</c>) as text; null when the silo does not answer.</summary>
public static class SiloMetricsPage
{
    public static async Task<string?> ReadAsync(HttpClient http, int httpPort, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/metrics"), cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
