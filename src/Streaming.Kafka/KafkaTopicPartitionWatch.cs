using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace OrleansKafka.Streaming;

/// <summary>
/// Asks the broker every <see cref="KafkaStreamOptions.PartitionCheckInterval"/> how many partitions the topic has. Orleans'
/// queue mapper is fixed when the provider starts, so partitions added later are not read until the silos restart: this
/// makes that loud (a Critical log once per change, the <c>kafka.topic.partitions.unread</c> gauge, <c>/health/ready</c>)
/// instead of silent. Broker errors are logged at Debug and the check runs again next period.
/// </summary>
internal sealed partial class KafkaTopicPartitionWatch(string providerName, KafkaStreamOptions options, KafkaReceiverMetrics metrics, TimeProvider time, ILogger<KafkaTopicPartitionWatch> logger) : IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private int started;
    private IAdminClient? admin;
    private int lastReported = -1;

    /// <summary>Starts the periodic check for a cluster that reads <paramref name="queuesRead"/> queues; later calls do nothing.</summary>
    public void Start(int queuesRead)
    {
        if (Interlocked.Exchange(ref started, 1) == 1)
        {
            return;
        }

        Observe(queuesRead, queuesRead);
        _ = Task.Run(() => RunAsync(queuesRead, stopping.Token));
    }

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }

    private async Task RunAsync(int queuesRead, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(options.PartitionCheckInterval, time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (ReadPartitionCount() is { } partitions)
                {
                    Observe(queuesRead, partitions);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The silo stops.
        }
        finally
        {
            admin?.Dispose();
        }
    }

    private int? ReadPartitionCount()
    {
        try
        {
            admin ??= KafkaAdminClients.Create(options.Connection, $"orleans-{providerName}-metadata", logger);
            return KafkaTopicMetadata.ReadPartitionCount(admin, options.Topic, options.MetadataTimeout);
        }
        catch (Exception e)
        {
            LogCheckFailed(logger, options.Topic, options.BootstrapServers, e.Message, options.PartitionCheckInterval);
            return null;
        }
    }

    private void Observe(int queuesRead, int partitions)
    {
        metrics.Topics.Observed(options.Topic, queuesRead, partitions);
        if (partitions == lastReported)
        {
            return;
        }

        lastReported = partitions;
        if (partitions > queuesRead)
        {
            LogUnreadPartitions(logger, providerName, options.Topic, partitions, queuesRead, partitions - 1);
        }
        else if (partitions < queuesRead)
        {
            LogFewerPartitions(logger, providerName, options.Topic, partitions, queuesRead);
        }
        else
        {
            LogAllRead(logger, providerName, options.Topic, partitions);
        }
    }

    [LoggerMessage(EventId = 4050, Level = LogLevel.Critical, Message = "Stream provider {Provider}, topic {Topic}: {PartitionsInKafka} partitions in Kafka, the cluster reads {QueuesRead}: restart the silos one by one (rolling restart) so they read all {PartitionsInKafka}; partitions {QueuesRead}..{LastPartition} are unread")]
    private static partial void LogUnreadPartitions(ILogger logger, string provider, string topic, int partitionsInKafka, int queuesRead, int lastPartition);

    [LoggerMessage(EventId = 4051, Level = LogLevel.Information, Message = "Stream provider {Provider}: topic {Topic} has {Partitions} partitions, every one is read")]
    private static partial void LogAllRead(ILogger logger, string provider, string topic, int partitions);

    [LoggerMessage(EventId = 4052, Level = LogLevel.Error, Message = "Stream provider {Provider}: topic {Topic} reports {Partitions} partitions, fewer than the {Queues} queues the cluster reads (Kafka never removes partitions: was the topic recreated?)")]
    private static partial void LogFewerPartitions(ILogger logger, string provider, string topic, int partitions, int queues);

    [LoggerMessage(EventId = 4053, Level = LogLevel.Debug, Message = "Partition check of Kafka topic {Topic} on {Brokers} failed ({Error}); next try in {Interval}")]
    private static partial void LogCheckFailed(ILogger logger, string topic, string brokers, string error, TimeSpan interval);
}
