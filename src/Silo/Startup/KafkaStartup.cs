using OrleansKafka.Streaming;
using Orleans.Configuration;

namespace UserEvents.Orleans.Silo.Startup;

/// <summary>Waits until the broker answers and the topic exists, saying so in the log, before Orleans starts its queues.</summary>
public static partial class KafkaStartup
{
    public static async Task<int> WaitForTopicAsync(KafkaStreamOptions kafka, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(KafkaStartup));
        var partitions = await KafkaTopicMetadata.WaitForPartitionCountAsync(kafka.Connection, kafka.Topic, kafka.MetadataTimeout, "user-events-startup", logger, cancellationToken);
        LogTopicFound(logger, kafka.BootstrapServers, kafka.Topic, partitions);
        return partitions;
    }

    [LoggerMessage(EventId = 6120, Level = LogLevel.Information, Message = "Kafka {Brokers}: topic {Topic} has {Partitions} partitions")]
    private static partial void LogTopicFound(ILogger logger, string brokers, string topic, int partitions);
}
