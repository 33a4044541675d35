using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace OrleansKafka.Streaming;

/// <summary>
/// The broker's id of a topic (KIP-516), which changes when a topic is deleted and created again under the same name:
/// the proof that a partition's log is new, not the old log with its tail lost. Null when the broker reports none
/// (older brokers, test brokers) or cannot be asked now; callers then assume the log is the same.
/// </summary>
internal static partial class KafkaTopicId
{
    // A broker that does not know the request (librdkafka's mock cluster) lets it time out rather than refuse it, and a
    // receiver's start waits for the answer: a short bound keeps starts and rebalances quick there.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    public static async Task<string?> ReadAsync(IConsumer<byte[]?, byte[]?> consumer, string topic, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        timeout = timeout < MaxWait ? timeout : MaxWait;
        try
        {
            using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
            var result = await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]), new DescribeTopicsOptions { RequestTimeout = timeout })
                .WaitAsync(timeout + TimeSpan.FromSeconds(1), cancellationToken);
            var id = result.TopicDescriptions.FirstOrDefault(d => d.Name == topic)?.TopicId;
            return id is null || (id.MostSignificantBits == 0 && id.LeastSignificantBits == 0) ? null : id.ToString();
        }
        catch (Exception exception) when (exception is KafkaException or TimeoutException or DescribeTopicsException)
        {
            LogUnknown(logger, exception, topic);
            return null;
        }
    }

    [LoggerMessage(EventId = 3030, Level = LogLevel.Debug, Message = "Kafka topic {Topic}: the broker did not report its topic id")]
    private static partial void LogUnknown(ILogger logger, Exception exception, string topic);
}
