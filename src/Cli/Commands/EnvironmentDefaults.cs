namespace UserEvents.Orleans.Cli.Commands;

/// <summary>
/// Option defaults that an environment variable can override (an empty variable counts as unset); the silo reads the same
/// variables. The PostgreSQL and librdkafka variables are read by the code the silo uses (PostgresConnectionSettings,
/// KafkaClientSettings).
/// </summary>
internal static class EnvironmentDefaults
{
    public const string BrokersVariable = "KAFKA_BROKER";
    public const string TopicVariable = "KAFKA_TOPIC";

    /// <summary>The process environment, as the shared settings readers take it.</summary>
    public static IReadOnlyDictionary<string, string?> Variables => Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

    /// <summary>librdkafka settings from KAFKA_CLIENT_* (TLS, SASL), read as the silo reads them.</summary>
    public static IReadOnlyDictionary<string, string> KafkaClientSettings => Streaming.Kafka.KafkaClientSettings.FromEnvironment(Variables);

    public static string Brokers => Get(BrokersVariable, "localhost:9092");

    public static string Topic => Get(TopicVariable, "user-events");

    public static string ClusterId => Get("ORLEANS_CLUSTER_ID", "user-events");

    public static string ServiceId => Get("ORLEANS_SERVICE_ID", "user-events");

    private static string Get(string variable, string fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback;
}
