using System.Globalization;
using System.Net;
using Npgsql;
using UserEvents.Orleans.Streaming.Kafka;

namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>
/// Every setting of the silo, read from environment variables (names as in the README) and validated together:
/// <see cref="Load"/> throws <see cref="InvalidSettingsException"/> listing each wrong variable by name.
/// </summary>
public sealed record SiloSettings
{
    /// <summary>Prefix of variables passed to librdkafka: KAFKA_CLIENT_SASL_USERNAME becomes sasl.username.</summary>
    public const string KafkaClientPrefix = "KAFKA_CLIENT_";

    public required string KafkaBroker { get; init; }

    public required string KafkaTopic { get; init; }

    public required KafkaStartingOffsets KafkaStartingOffsets { get; init; }

    public required int KafkaMaxRecordsPerBatch { get; init; }

    public required IReadOnlyDictionary<string, string> KafkaClientSettings { get; init; }

    public required string PostgresHost { get; init; }

    public required int PostgresPort { get; init; }

    public required string PostgresDatabase { get; init; }

    public required string PostgresUser { get; init; }

    public required string? PostgresPassword { get; init; }

    public required bool PostgresMigrate { get; init; }

    public required SslMode PostgresSslMode { get; init; }

    public required string? PostgresSslRootCertificate { get; init; }

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

    /// <summary>The Npgsql connection string (the password is never logged: use <see cref="DescribePostgres"/>).</summary>
    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = PostgresHost,
        Port = PostgresPort,
        Database = PostgresDatabase,
        Username = PostgresUser,
        Password = PostgresPassword,
        MaxPoolSize = 50,
        ApplicationName = $"user-events-silo-{SiloPort}",
        SslMode = PostgresSslMode,
        RootCertificate = PostgresSslRootCertificate,
    }.ConnectionString;

    public string DescribePostgres => $"{PostgresUser}@{PostgresHost}:{PostgresPort}/{PostgresDatabase}";

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
            KafkaClientSettings = variables
                .Where(v => v.Key.StartsWith(KafkaClientPrefix, StringComparison.Ordinal) && v.Value is not null)
                .ToDictionary(v => v.Key[KafkaClientPrefix.Length..].ToLowerInvariant().Replace('_', '.'), v => v.Value!),
            PostgresHost = reader.String("POSTGRES_HOST", "localhost"),
            PostgresPort = reader.Int("POSTGRES_PORT", 5432, 1, 65535),
            PostgresDatabase = reader.String("POSTGRES_DB", "postgres"),
            PostgresUser = reader.String("POSTGRES_USER", "postgres"),
            PostgresPassword = reader.SecretOrNull("POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE"),
            PostgresMigrate = reader.Bool("POSTGRES_MIGRATE", false),
            PostgresSslMode = reader.Choice("POSTGRES_SSL_MODE", "prefer", new Dictionary<string, SslMode>
            {
                ["disable"] = SslMode.Disable,
                ["prefer"] = SslMode.Prefer,
                ["require"] = SslMode.Require,
                ["verify-ca"] = SslMode.VerifyCA,
                ["verify-full"] = SslMode.VerifyFull,
            }),
            PostgresSslRootCertificate = reader.ReadableFileOrNull("POSTGRES_SSL_ROOT_CERT"),
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

    private sealed class EnvironmentReader(IReadOnlyDictionary<string, string?> variables)
    {
        public List<string> Errors { get; } = [];

        public string String(string name, string fallback)
        {
            var value = Raw(name);
            if (value is null)
            {
                return fallback;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                Errors.Add($"{name} is set but empty (unset it to use the default '{fallback}')");
                return fallback;
            }

            return value.Trim();
        }

        /// <summary>
        /// A secret from <paramref name="name"/> or from the file named by <paramref name="fileName"/> (trailing newlines
        /// removed), never both. Error messages name the variables, never the value.
        /// </summary>
        public string? SecretOrNull(string name, string fileName)
        {
            var value = Raw(name);
            var file = Raw(fileName);
            if (file is null)
            {
                return value;
            }

            if (value is not null)
            {
                Errors.Add($"{name} and {fileName} are both set: set only one");
                return value;
            }

            try
            {
                return File.ReadAllText(file).TrimEnd('\r', '\n');
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                Errors.Add($"{fileName}='{file}' cannot be read: {exception.Message}");
                return null;
            }
        }

        public string? ReadableFileOrNull(string name)
        {
            var value = Raw(name);
            if (value is null || File.Exists(value))
            {
                return value;
            }

            Errors.Add($"{name}='{value}' is not a file that exists");
            return null;
        }

        public IPAddress Ip(string name, IPAddress fallback)
        {
            var value = Raw(name);
            if (value is null)
            {
                return fallback;
            }

            if (IPAddress.TryParse(value.Trim(), out var address))
            {
                return address;
            }

            Errors.Add($"{name}='{value}' is not an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only)");
            return fallback;
        }

        public int Int(string name, int fallback, int min, int max)
        {
            var value = Raw(name);
            if (value is null)
            {
                return fallback;
            }

            if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
            {
                return parsed;
            }

            Errors.Add($"{name}='{value}' is not a whole number from {min} to {max}");
            return fallback;
        }

        public bool Bool(string name, bool fallback)
        {
            var value = Raw(name);
            if (value is null)
            {
                return fallback;
            }

            switch (value.Trim().ToLowerInvariant())
            {
                case "true" or "1" or "yes":
                    return true;
                case "false" or "0" or "no":
                    return false;
                default:
                    Errors.Add($"{name}='{value}' must be true or false");
                    return fallback;
            }
        }

        public T Choice<T>(string name, string fallback, Dictionary<string, T> choices)
        {
            var value = Raw(name)?.Trim().ToLowerInvariant() ?? fallback;
            if (choices.TryGetValue(value, out var choice))
            {
                return choice;
            }

            Errors.Add($"{name}='{value}' must be one of: {string.Join(", ", choices.Keys)}");
            return choices[fallback];
        }

        public string? IpOrNull(string name)
        {
            var value = Raw(name);
            if (value is null || System.Net.IPAddress.TryParse(value, out _))
            {
                return value;
            }

            Errors.Add($"{name}='{value}' is not an IP address");
            return null;
        }

        private string? Raw(string name) => variables.TryGetValue(name, out var value) ? value : null;
    }
}

/// <summary>The silo's settings are wrong; the message names each variable.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> errors)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
