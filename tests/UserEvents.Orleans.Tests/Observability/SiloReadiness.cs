using System.Net;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>Polls a silo process's <c>/health/ready</c> and reads its <c>/metrics</c>, for the readiness tests.</summary>
internal static class SiloReadiness
{
    /// <summary>Asks until <c>/health/ready</c> answers <paramref name="expected"/> with a report <paramref name="condition"/> accepts.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>; the message holds the last answer.</exception>
    public static async Task<HealthReportJson> WaitForAsync(
        HttpClient http, int httpPort, HttpStatusCode expected, Func<HealthReportJson, bool> condition, TimeSpan timeout, ITestOutputHelper output)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/health/ready"));
            last = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == expected && HealthReportJson.Parse(last) is var report && condition(report))
            {
                output.WriteLine(last);
                return report;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"/health/ready did not answer {(int)expected} as expected within {timeout}; last answer: {last}");
    }

    /// <summary>The sum of every series of <paramref name="name"/> on the silo's <c>/metrics</c>.</summary>
    public static async Task<double> MetricSumAsync(HttpClient http, int httpPort, string name)
    {
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/metrics"));
        return PrometheusText.Parse(text).Sum(name);
    }
}
