using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>
/// Unhealthy while a partition read by this silo stores nothing: its checkpoint has not followed what its receiver read
/// for <see cref="KafkaStreamOptions.StalledCheckpointReportAfter"/> (PostgreSQL unreachable, flushes failing, or batches
/// refused because they arrive after a gap, as after a failover that lost commits until the receiver reads again).
/// Healthy again at the first probe after the checkpoint moves.
/// </summary>
internal sealed class KafkaCheckpointsHealthCheck(KafkaReceiverMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var behind = metrics.CheckpointProgress.Behind();
        if (behind.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("every checkpoint of this silo follows its reads"));
        }

        var partitions = string.Join("; ", behind.Select(b => $"{b.Topic}[{b.Partition}] checkpoint {b.Checkpoint}, read up to {b.Position}, for {b.For.TotalSeconds:0} s"));
        return Task.FromResult(new HealthCheckResult(
            context.Registration.FailureStatus,
            $"{behind.Count} partition(s) of this silo store nothing, their checkpoints do not follow their reads: {partitions}"));
    }
}
