using Confluent.Kafka;

namespace OrleansKafka.Streaming;

/// <summary>Builds the librdkafka settings of the provider's clients.</summary>
internal static class KafkaClientConfig
{
    private static readonly HashSet<string> ProviderOwnedKeys = new(StringComparer.Ordinal)
    {
        "bootstrap.servers", "enable.auto.commit", "enable.auto.offset.store", "auto.offset.reset", "group.id", "enable.partition.eof", "isolation.level",
    };

    /// <summary>True for settings the provider must control for the exactly-once protocol to hold.</summary>
    public static bool IsOwnedByProvider(string key) => ProviderOwnedKeys.Contains(key);

    /// <summary>
    /// A consumer that never commits offsets to Kafka (checkpoints live in the checkpoint store), never joins a group
    /// (partitions are assigned explicitly) and reports an out-of-range position instead of silently jumping.
    /// </summary>
    public static ConsumerConfig ForReceiver(KafkaStreamOptions options, string providerName)
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(options.ClientSettings))
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = $"orleans-{providerName}-{options.Topic}",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            AutoOffsetReset = AutoOffsetReset.Error,
            IsolationLevel = options.IsolationLevel,
            ClientId = $"orleans-{providerName}",
        };

        // Bounded prefetch per partition: Orleans' cache, not librdkafka, holds the backlog. 1 MiB drains as fast as 16 MiB
        // with ~200 MB less RSS for 6 partitions; 512 KiB was 15-20% slower (docs/BENCHMARKS.md, "Tuning log").
        config.QueuedMaxMessagesKbytes ??= 1024;
        config.FetchWaitMaxMs ??= 100;
        config.MaxPartitionFetchBytes ??= 4 * 1024 * 1024;
        // One fetch response for all of the consumer's partitions is buffered whole before it is queued: bound it too.
        config.FetchMaxBytes ??= 8 * 1024 * 1024;
        config.SocketKeepaliveEnable ??= true;
        return config;
    }
}
