using System.Globalization;
using System.Net;
using Npgsql;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Streaming.Kafka;

namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>
/// Every setting of the silo, read from environment variables (names as in the README) and validated together:
/// <see cref="Load"/> throws <see cref="InvalidSettingsException"/> listing each wrong variable by name.
/// </summary>
public sealed record SiloSettings
{
    public required string KafkaBroker { get; init; }

    public required string KafkaTopic { get; init; }

    public required KafkaStartingOffsets KafkaStartingOffsets { get; init; }

    public required int KafkaMaxRecordsPerBatch { get; init; }

    public required IReadOnlyDictionary<string, string> KafkaClientSettings { get; init; }

    /// <summary>The POSTGRES_* connection variables, read as the CLI reads them.</summary>
    public required PostgresConnectionSettings Postgres { get; init; }

    /// <summary>Record bytes (key + value) per stream batch (KAFKA_MAX_BATCH_BYTES).</summary>
    public required int KafkaMaxBatchBytes { get; init; }

    /// <summary>How long a partition's receiver may take to start before /health/ready says it is not read.</summary>
    public required TimeSpan KafkaReceiverStartGrace { get; init; }

    /// <summary>How often the topic's partition count is checked against the queues read (KAFKA_PARTITION_CHECK_SECONDS).</summary>
    public required TimeSpan KafkaPartitionCheckInterval { get; init; }

    public string PostgresHost => Postgres.Host;

    public int PostgresPort => Postgres.Port;

    public string PostgresDatabase => Postgres.Database;

    public string PostgresUser => Postgres.User;

    public string? PostgresPassword => Postgres.Password;

    public SslMode PostgresSslMode => Postgres.SslMode;

    public string? PostgresSslRootCertificate => Postgres.SslRootCertificate;

    public required bool PostgresMigrate { get; init; }

    public required string ClusterId { get; init; }

    public required string ServiceId { get; init; }

    public required int SiloPort { get; init; }

    public required int GatewayPort { get; init; }

    public required string? AdvertisedIp { get; init; }

    public required int HttpPort { get; init; }

    /// <summary>The address the HTTP endpoint listens on (HTTP_BIND).</summary>
    public required IPAddress HttpBind { get; init; }

    /// <summary>The token every HTTP request but <c>/health/*</c> must carry; null: no authentication (loopback only).</summary>
    public required string? HttpAuthToken { get; init; }

    public required int WriterMaxBufferedRecords { get; init; }

    public required TimeSpan WriterFlushInterval { get; init; }

    public required int WriterMaxConcurrentFlushes { get; init; }

    public required int WriterBufferLimitRecords { get; init; }

    public required long WriterBufferLimitBytes { get; init; }

    public required TimeSpan WriterLockTimeout { get; init; }

    public required TimeSpan WriterIdleInTransactionTimeout { get; init; }

    public required int StreamCacheSize { get; init; }

    /// <summary>Time partitions and retention (USER_EVENTS_PARTITION_INTERVAL, _PARTITIONS_AHEAD, _RETENTION, _MAINTENANCE_SECONDS).</summary>
    public required PartitionSettings Partitions { get; init; }

    /// <summary>The Npgsql connection string (the password is never logged: use <see cref="DescribePostgres"/>).</summary>
    public string PostgresConnectionString => Postgres.ConnectionString($"user-events-silo-{SiloPort}", maxPoolSize: 50);

    public string DescribePostgres => Postgres.Describe;

    /// <summary>A summary without the password or the token (a record's generated ToString would print them).</summary>
    public override string ToString() =>
        $"SiloSettings {{ Kafka = {KafkaBroker} {KafkaTopic}, PostgreSQL = {DescribePostgres} (SSL {PostgresSslMode}), Cluster = {ClusterId}, HTTP = {HttpBind}:{HttpPort} }}";

    /// <summary>True when HTTP_BIND accepts connections from other machines (anything but a loopback address).</summary>
    public bool HttpReachableFromOtherMachines => !IPAddress.IsLoopback(HttpBind);

    /// <summary>Reads and validates the settings from <paramref name="variables"/> (usually the process environment).</summary>
    public static SiloSettings Load(IReadOnlyDictionary<string, string?> variables)
    {
        var reader = new EnvironmentReader(variables);
        var settings = new SiloSettings
        {
            KafkaBroker = reader.String("KAFKA_BROKER", "localhost:9092"),
            KafkaTopic = reader.String("KAFKA_TOPIC", "user-events"),
            KafkaStartingOffsets = reader.Choice("KAFKA_STARTING_OFFSETS", "latest", new Dictionary<string, KafkaStartingOffsets>
            {
                ["latest"] = KafkaStartingOffsets.Latest,
                ["earliest"] = KafkaStartingOffsets.Earliest,
            }),
            KafkaMaxRecordsPerBatch = reader.Int("KAFKA_MAX_RECORDS_PER_BATCH", 2000, 1, 1_000_000),
            KafkaMaxBatchBytes = reader.Int("KAFKA_MAX_BATCH_BYTES", 256 * 1024, 1024, 256 * 1024 * 1024),
            KafkaReceiverStartGrace = TimeSpan.FromSeconds(reader.Int("KAFKA_RECEIVER_START_GRACE_SECONDS", 30, 0, 3600)),
            KafkaPartitionCheckInterval = TimeSpan.FromSeconds(reader.Int("KAFKA_PARTITION_CHECK_SECONDS", 30, 1, 600)),
            KafkaClientSettings = Streaming.Kafka.KafkaClientSettings.FromEnvironment(variables),
            Postgres = PostgresConnectionSettings.Read(reader),
            PostgresMigrate = reader.Bool("POSTGRES_MIGRATE", false),
            ClusterId = reader.String("ORLEANS_CLUSTER_ID", "user-events"),
            ServiceId = reader.String("ORLEANS_SERVICE_ID", "user-events"),
            SiloPort = reader.Int("ORLEANS_SILO_PORT", 11111, 1, 65535),
            GatewayPort = reader.Int("ORLEANS_GATEWAY_PORT", 30000, 1, 65535),
            AdvertisedIp = reader.IpOrNull("ORLEANS_ADVERTISED_IP"),
            HttpPort = reader.Int("HTTP_PORT", 8080, 1, 65535),
            HttpBind = reader.Ip("HTTP_BIND", IPAddress.Loopback),
            HttpAuthToken = reader.SecretOrNull("HTTP_AUTH_TOKEN", "HTTP_AUTH_TOKEN_FILE"),
            WriterMaxBufferedRecords = reader.Int("WRITER_MAX_BUFFERED_RECORDS", 10_000, 1, 10_000_000),
            WriterFlushInterval = TimeSpan.FromMilliseconds(reader.Int("WRITER_FLUSH_INTERVAL_MS", 25, 0, 10_000)),
            WriterMaxConcurrentFlushes = reader.Int("WRITER_MAX_CONCURRENT_FLUSHES", 2, 1, 64),
            WriterBufferLimitRecords = reader.Int("WRITER_BUFFER_LIMIT_RECORDS", 50_000, 1, 10_000_000),
            WriterBufferLimitBytes = reader.Int("WRITER_BUFFER_LIMIT_MIB", 64, 1, 65_536) * 1024L * 1024,
            WriterLockTimeout = TimeSpan.FromMilliseconds(reader.Int("WRITER_LOCK_TIMEOUT_MS", 5_000, 100, 600_000)),
            WriterIdleInTransactionTimeout = TimeSpan.FromMilliseconds(reader.Int("WRITER_IDLE_IN_TRANSACTION_TIMEOUT_MS", 15_000, 1_000, 600_000)),
            StreamCacheSize = reader.Int("STREAM_CACHE_SIZE", 64, 10, 100_000),
            Partitions = PartitionSettings.Read(reader, variables),
        };

        foreach (var error in KafkaStreamOptionsValidator.Validate(new KafkaStreamOptions { BootstrapServers = settings.KafkaBroker, Topic = settings.KafkaTopic, StreamNamespace = "x" }))
        {
            reader.Errors.Add(error.Replace(nameof(KafkaStreamOptions.BootstrapServers), "KAFKA_BROKER", StringComparison.Ordinal)
                .Replace(nameof(KafkaStreamOptions.Topic), "KAFKA_TOPIC", StringComparison.Ordinal));
        }

        if (settings.SiloPort == settings.GatewayPort || settings.SiloPort == settings.HttpPort || settings.GatewayPort == settings.HttpPort)
        {
            reader.Errors.Add($"ORLEANS_SILO_PORT ({settings.SiloPort}), ORLEANS_GATEWAY_PORT ({settings.GatewayPort}) and HTTP_PORT ({settings.HttpPort}) must differ");
        }

        if (settings.WriterBufferLimitRecords < settings.WriterMaxBufferedRecords)
        {
            reader.Errors.Add($"WRITER_BUFFER_LIMIT_RECORDS ({settings.WriterBufferLimitRecords}) must be at least WRITER_MAX_BUFFERED_RECORDS ({settings.WriterMaxBufferedRecords})");
        }

        SecuritySettingsRules.Check(settings, reader.Errors);
        return reader.Errors.Count == 0 ? settings : throw new InvalidSettingsException(reader.Errors);
    }
}

/// <summary>The silo's settings are wrong; the message names each variable.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> errors)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
