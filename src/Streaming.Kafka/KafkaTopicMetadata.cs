using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace OrleansKafka.Streaming;

/// <summary>The one topic-metadata request of the provider: which partitions a topic has, once or retried until the topic exists.</summary>
public static partial class KafkaTopicMetadata
{
    /// <summary>
    /// The topic's partition count; waits, logging each failed attempt, until the broker answers and the topic exists, or
    /// until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task<int> WaitForPartitionCountAsync(
        KafkaConnectionOptions connection, string topic, TimeSpan requestTimeout, string clientId, ILogger logger, CancellationToken cancellationToken)
    {
        var pipeline = new ResiliencePipelineBuilder<int>()
            .AddRetry(new RetryStrategyOptions<int>
            {
                ShouldHandle = new PredicateBuilder<int>().Handle<KafkaException>(), // TopicNotFoundException included
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(15),
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(logger, topic, connection.BootstrapServers, args.Outcome.Exception?.Message ?? "no answer", args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();

        using var admin = KafkaAdminClients.Create(connection, clientId, logger);
        // GetMetadata blocks its thread for up to the request timeout: keep it off the caller's (Orleans') scheduler.
        return await pipeline.ExecuteAsync(
            token => new ValueTask<int>(Task.Run(() => ReadPartitions(admin, topic, requestTimeout).Count, token)),
            cancellationToken);
    }

    /// <summary>The topic's partition count as the broker reports it now; throws when the broker does not answer or the topic is missing.</summary>
    public static int ReadPartitionCount(IAdminClient admin, string topic, TimeSpan requestTimeout) => ReadPartitions(admin, topic, requestTimeout).Count;

    /// <summary>The topic's partition ids in order; throws <see cref="KafkaException"/> when the broker does not answer or the topic is missing.</summary>
    public static IReadOnlyList<int> ReadPartitions(IAdminClient admin, string topic, TimeSpan requestTimeout)
    {
        var metadata = admin.GetMetadata(topic, requestTimeout);
        var found = metadata.Topics.SingleOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.Code == ErrorCode.UnknownTopicOrPart || found.Partitions.Count == 0)
        {
            throw new TopicNotFoundException($"Kafka topic '{topic}' does not exist ({found?.Error.Reason ?? "not in metadata"})");
        }

        if (found.Error.IsError)
        {
            throw new KafkaException(found.Error);
        }

        return found.Partitions.Select(p => p.PartitionId).Order().ToArray();
    }

    [LoggerMessage(EventId = 3050, Level = LogLevel.Warning, Message = "Kafka topic {Topic} on {Brokers} is not available yet ({Error}; attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string topic, string brokers, string error, int attempt, TimeSpan delay);
}

/// <summary>The broker answered, but the topic does not exist (or has no partitions).</summary>
public sealed class TopicNotFoundException(string message)
    : KafkaException(new Error(ErrorCode.UnknownTopicOrPart, message));
