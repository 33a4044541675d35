using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>
/// Publishes the readiness checks' last results as the gauge <c>user_events.health.status</c> (1 healthy, 0.5 degraded,
/// 0 unhealthy; one series per check), so the alert rules can page on a silo that is not ready without probing it.
/// </summary>
public sealed class HealthStatusMetrics : IHealthCheckPublisher
{
    public const string MeterName = "UserEvents.Orleans.Health";

    private readonly ConcurrentDictionary<string, double> statuses = new(StringComparer.Ordinal);

    public HealthStatusMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("user_events.health.status", Observe, unit: null, description: "Last result of each readiness check: 1 healthy, 0.5 degraded, 0 unhealthy");
    }

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
        {
            statuses[name] = entry.Status switch
            {
                HealthStatus.Healthy => 1,
                HealthStatus.Degraded => 0.5,
                _ => 0,
            };
        }

        return Task.CompletedTask;
    }

    private IEnumerable<Measurement<double>> Observe() =>
        statuses.Select(s => new Measurement<double>(s.Value, new KeyValuePair<string, object?>("check", s.Key)));
}
