using UserEvents.Orleans.Grains.Writing;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Postgres.Events;
using Orleans.Configuration;

namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>
/// The variables only the silo reads, each mapped to the options property it sets (names as in the README; defaults and
/// ranges are the options classes'). A new setting is one line here plus its property. The variables the CLI reads too
/// are in <see cref="UserEventsEnvironment"/>.
/// </summary>
internal static class SiloEnvironment
{
    public static EnvironmentMap<KafkaStreamOptions> KafkaReceivers { get; } = new EnvironmentMap<KafkaStreamOptions>()
        .Choice("KAFKA_STARTING_OFFSETS", o => o.StartingOffsets, new Dictionary<string, KafkaStartingOffsets>
        {
            ["latest"] = KafkaStartingOffsets.Latest,
            ["earliest"] = KafkaStartingOffsets.Earliest,
        })
        .Choice("KAFKA_ISOLATION_LEVEL", o => o.IsolationLevel, new Dictionary<string, Confluent.Kafka.IsolationLevel>
        {
            ["read_committed"] = Confluent.Kafka.IsolationLevel.ReadCommitted,
            ["read_uncommitted"] = Confluent.Kafka.IsolationLevel.ReadUncommitted,
        })
        .Add("KAFKA_MAX_RECORDS_PER_BATCH", o => o.MaxRecordsPerBatch)
        .Add("KAFKA_MAX_BATCH_BYTES", o => o.MaxBatchBytes)
        .Add("KAFKA_PARTITION_CHECK_SECONDS", o => o.PartitionCheckInterval, SettingUnit.Seconds);

    public static EnvironmentMap<SiloHostOptions> Host { get; } = new EnvironmentMap<SiloHostOptions>()
        .Add("POSTGRES_MIGRATE", o => o.Migrate)
        .Add("ORLEANS_SILO_PORT", o => o.SiloPort)
        .Add("ORLEANS_GATEWAY_PORT", o => o.GatewayPort)
        .Add("ORLEANS_ADVERTISED_IP", o => o.AdvertisedIp)
        .Add("ORLEANS_ADVERTISE_HOST_ADDRESS", o => o.AdvertiseHostAddress)
        .Add("ORLEANS_LISTEN_ON_ANY_ADDRESS", o => o.ListenOnAnyAddress)
        .Add("STREAM_CACHE_SIZE", o => o.StreamCacheSize)
        .Add("KAFKA_RECEIVER_START_GRACE_SECONDS", o => o.ReceiverStartGrace, SettingUnit.Seconds);

    public static EnvironmentMap<HttpEndpointOptions> Http { get; } = new EnvironmentMap<HttpEndpointOptions>()
        .Add("HTTP_PORT", o => o.Port)
        .Add("HTTP_BIND", o => o.Bind)
        .Secret("HTTP_AUTH_TOKEN", "HTTP_AUTH_TOKEN_FILE", o => o.AuthToken);

    public static EnvironmentMap<GroupCommitOptions> Writer { get; } = new EnvironmentMap<GroupCommitOptions>()
        .Add("WRITER_MAX_BUFFERED_RECORDS", o => o.MaxBufferedRecords)
        .Add("WRITER_FLUSH_INTERVAL_MS", o => o.FlushInterval, SettingUnit.Milliseconds)
        .Add("WRITER_MAX_CONCURRENT_FLUSHES", o => o.MaxConcurrentFlushes)
        .Add("WRITER_BUFFER_LIMIT_RECORDS", o => o.BufferLimitRecords)
        .Add("WRITER_BUFFER_LIMIT_MIB", o => o.BufferLimitBytes, SettingUnit.Mebibytes);

    public static EnvironmentMap<PostgresFlushOptions> Flush { get; } = new EnvironmentMap<PostgresFlushOptions>()
        .Add("WRITER_LOCK_TIMEOUT_MS", o => o.LockTimeout, SettingUnit.Milliseconds)
        .Add("WRITER_IDLE_IN_TRANSACTION_TIMEOUT_MS", o => o.IdleInTransactionTimeout, SettingUnit.Milliseconds);
}
