using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>
/// Unhealthy while the broker reports more partitions of the topic than the queues the cluster reads (partitions added after
/// the silos started): those partitions are not read until a rolling restart. The description names the counts and the fix.
/// </summary>
internal sealed class KafkaTopicPartitionsHealthCheck(KafkaReceiverMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var unread = metrics.Topics.WithUnreadPartitions();
        if (unread.Count > 0)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", unread.Select(t => t.Describe()))));
        }

        var topics = metrics.Topics.All();
        return Task.FromResult(HealthCheckResult.Healthy(topics.Count == 0
            ? "the stream provider has not read the topic's partition count yet"
            : string.Join("; ", topics.Select(t => t.Describe()))));
    }
}
