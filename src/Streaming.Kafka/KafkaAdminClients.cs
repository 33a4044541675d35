using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace OrleansKafka.Streaming;

/// <summary>The one way the provider builds a Kafka admin client (metadata and watermark requests) from <see cref="KafkaConnectionOptions"/>.</summary>
public static partial class KafkaAdminClients
{
    /// <summary>An admin client named <paramref name="clientId"/> whose librdkafka log goes to <paramref name="logger"/> at Debug.</summary>
    public static IAdminClient Create(KafkaConnectionOptions connection, string clientId, ILogger logger) =>
        new AdminClientBuilder(Config(connection, clientId))
            .SetLogHandler((_, message) => LogClient(logger, clientId, message.Level.ToString(), message.Message))
            .SetErrorHandler((_, error) => LogClient(logger, clientId, "error", error.Reason))
            .Build();

    /// <summary>The librdkafka settings of an admin client: the connection's, with <paramref name="clientId"/>.</summary>
    public static AdminClientConfig Config(KafkaConnectionOptions connection, string clientId) =>
        new(new Dictionary<string, string>(connection.ClientSettings, StringComparer.Ordinal))
        {
            BootstrapServers = connection.BootstrapServers,
            ClientId = clientId,
        };

    [LoggerMessage(EventId = 6150, Level = LogLevel.Debug, Message = "librdkafka ({Client}) {Level}: {Message}")]
    private static partial void LogClient(ILogger logger, string client, string level, string message);
}
