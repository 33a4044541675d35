namespace UserEvents.Orleans.Streaming.Kafka;

/// <summary>
/// librdkafka settings from environment variables with the <see cref="Prefix"/> prefix: <c>KAFKA_CLIENT_SASL_USERNAME</c>
/// becomes <c>sasl.username</c>. Read the same way by the silo and the CLI, so both reach a TLS or SASL cluster alike.
/// </summary>
public static class KafkaClientSettings
{
    public const string Prefix = "KAFKA_CLIENT_";

    public static IReadOnlyDictionary<string, string> FromEnvironment(IReadOnlyDictionary<string, string?> variables) => variables
        .Where(v => v.Key.StartsWith(Prefix, StringComparison.Ordinal) && v.Value is not null)
        .ToDictionary(v => v.Key[Prefix.Length..].ToLowerInvariant().Replace('_', '.'), v => v.Value!, StringComparer.Ordinal);

    /// <summary>The process environment's <see cref="Prefix"/> variables.</summary>
    public static IReadOnlyDictionary<string, string> FromProcessEnvironment() => FromEnvironment(
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal));
}
