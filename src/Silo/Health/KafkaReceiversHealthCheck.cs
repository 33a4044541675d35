using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>
/// Unhealthy while a partition assigned to this silo has had no running receiver for longer than <paramref name="grace"/>
/// (its start keeps failing: broker or checkpoint store unreachable, checkpoint table locked): that partition is not read.
/// The description names the partitions, how long they wait, and the last error.
/// </summary>
internal sealed class KafkaReceiversHealthCheck(KafkaReceiverMetrics metrics, TimeProvider time, TimeSpan grace) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var waiting = metrics.Starts.NotStarted();
        var overdue = waiting.Where(r => now - r.Since > grace).ToList();
        if (overdue.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy(waiting.Count == 0
                ? "every receiver of this silo is reading"
                : $"{waiting.Count} receiver(s) starting (partitions {string.Join(", ", waiting.Select(r => r.Partition))})"));
        }

        var partitions = string.Join("; ", overdue.Select(r =>
            $"{r.Topic}[{r.Partition}] for {(now - r.Since).TotalSeconds:0} s after {r.Failures} failed attempt(s){(r.LastError is null ? " (first attempt still running)" : $", last error: {r.LastError}")}"));
        return Task.FromResult(new HealthCheckResult(
            context.Registration.FailureStatus,
            $"{overdue.Count} partition(s) assigned to this silo are not read, their receivers have not started (grace {grace.TotalSeconds:0.#} s): {partitions}"));
    }
}
