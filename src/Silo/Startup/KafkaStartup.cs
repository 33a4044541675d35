using UserEvents.Orleans.Silo.Configuration;
using UserEvents.Orleans.Streaming.Kafka;

namespace UserEvents.Orleans.Silo.Startup;

/// <summary>Waits until the broker answers and the topic exists, saying so in the log, before Orleans starts its queues.</summary>
public static class KafkaStartup
{
    public static Task<int> WaitForTopicAsync(SiloSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var options = new KafkaStreamOptions { BootstrapServers = settings.KafkaBroker, Topic = settings.KafkaTopic };
        foreach (var (key, value) in settings.KafkaClientSettings)
        {
            options.ClientSettings[key] = value;
        }

        var logger = loggerFactory.CreateLogger(typeof(KafkaStartup));
        return Task.Run(
            () =>
            {
                var partitions = KafkaTopicMetadata.WaitForPartitionCount(options, "startup", logger, cancellationToken);
                logger.LogInformation("Kafka {Brokers}: topic {Topic} has {Partitions} partitions", settings.KafkaBroker, settings.KafkaTopic, partitions);
                return partitions;
            },
            cancellationToken);
    }
}
