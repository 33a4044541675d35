using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace UserEvents.Orleans.Streaming.Kafka;

/// <summary>Reads how many partitions the topic has, retrying until the broker answers and the topic exists.</summary>
internal static partial class KafkaTopicPartitions
{
    public static int Read(KafkaStreamOptions options, string providerName, ILogger logger, CancellationToken cancellationToken)
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
                    LogRetry(logger, args.Outcome.Exception, options.Topic, options.BootstrapServers, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();

        return pipeline.Execute(_ => ReadOnce(options, providerName), cancellationToken);
    }

    private static int ReadOnce(KafkaStreamOptions options, string providerName)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfig.ForMetadata(options, providerName)).Build();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka topic {Topic} on {Brokers} is not available yet (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception? exception, string topic, string brokers, int attempt, TimeSpan delay);

    private sealed class TopicNotFoundException(string message) : Exception(message);
}
