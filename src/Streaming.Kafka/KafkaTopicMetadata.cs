using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace UserEvents.Orleans.Streaming.Kafka;

/// <summary>Reads how many partitions the topic has, retrying until the broker answers and the topic exists.</summary>
public static partial class KafkaTopicMetadata
{
    /// <summary>The topic's partition count; blocks, logging each failed attempt, until the broker answers and the topic exists.</summary>
    public static int WaitForPartitionCount(KafkaStreamOptions options, string providerName, ILogger logger, CancellationToken cancellationToken)
    {
        var pipeline = new ResiliencePipelineBuilder<int>()
            .AddRetry(new RetryStrategyOptions<int>
            {
                ShouldHandle = new PredicateBuilder<int>().Handle<KafkaException>().Handle<TopicNotFoundException>(),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(15),
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(logger, options.Topic, options.BootstrapServers, args.Outcome.Exception?.Message ?? "no answer", args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();

        return pipeline.Execute(_ => ReadOnce(options, providerName, logger), cancellationToken);
    }

    private static int ReadOnce(KafkaStreamOptions options, string providerName, ILogger logger)
    {
        using var admin = CreateAdminClient(options, providerName, logger);
        return ReadPartitionCount(admin, options);
    }

    /// <summary>An admin client for metadata requests whose librdkafka log goes to <paramref name="logger"/> at Debug.</summary>
    public static IAdminClient CreateAdminClient(KafkaStreamOptions options, string providerName, ILogger logger) =>
        new AdminClientBuilder(KafkaClientConfig.ForMetadata(options, providerName))
            .SetLogHandler((_, message) => LogClient(logger, message.Level.ToString(), message.Message))
            .SetErrorHandler((_, error) => LogClient(logger, "error", error.Reason))
            .Build();

    /// <summary>The topic's partition count as the broker reports it now; throws when the broker does not answer or the topic is missing.</summary>
    public static int ReadPartitionCount(IAdminClient admin, KafkaStreamOptions options)
    {
        var metadata = admin.GetMetadata(options.Topic, options.MetadataTimeout);
        var topic = metadata.Topics.SingleOrDefault(t => t.Topic == options.Topic);
        if (topic is null || topic.Error.Code == ErrorCode.UnknownTopicOrPart || topic.Partitions.Count == 0)
        {
            throw new TopicNotFoundException($"Kafka topic '{options.Topic}' does not exist on {options.BootstrapServers} ({topic?.Error.Reason ?? "not in metadata"})");
        }

        if (topic.Error.IsError)
        {
            throw new KafkaException(topic.Error);
        }

        return topic.Partitions.Count;
    }

    [LoggerMessage(EventId = 3050, Level = LogLevel.Warning, Message = "Kafka topic {Topic} on {Brokers} is not available yet ({Error}; attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string topic, string brokers, string error, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Debug, Message = "librdkafka {Level}: {Message}")]
    private static partial void LogClient(ILogger logger, string level, string message);

    private sealed class TopicNotFoundException(string message) : Exception(message);
}
