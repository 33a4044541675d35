using System.Net;
using Microsoft.Extensions.Configuration;
using Npgsql;
using UserEvents.Orleans.Grains.Writing;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Postgres.Events;
using UserEvents.Orleans.Postgres.Partitions;
using Orleans.Configuration;

namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>
/// Every setting of the silo as the options objects it configures, bound from <see cref="IConfiguration"/> (the
/// environment variables named in the README) and validated together by the options' own validators:
/// <see cref="Load(IConfiguration)"/> throws <see cref="InvalidSettingsException"/> with one line per wrong variable.
/// </summary>
public sealed class SiloSettings
{
    private SiloSettings(
        KafkaStreamOptions kafka, PostgresConnectionSettings postgres, ClusterIds cluster, SiloHostOptions host, HttpEndpointOptions http,
        GroupCommitOptions writer, PostgresFlushOptions flush)
    {
        Kafka = kafka;
        Postgres = postgres;
        Cluster = cluster;
        Host = host;
        Http = http;
        Writer = writer;
        Flush = flush;
    }

    /// <summary>The stream provider's options (its <see cref="KafkaStreamOptions.Connection"/> is shared with every Kafka client of the silo).</summary>
    public KafkaStreamOptions Kafka { get; }

    public PostgresConnectionSettings Postgres { get; }

    public ClusterIds Cluster { get; }

    public SiloHostOptions Host { get; }

    public HttpEndpointOptions Http { get; }

    public GroupCommitOptions Writer { get; }

    public PostgresFlushOptions Flush { get; }

    /// <summary>The ORLEANS_TLS_* files as set (<see cref="ClusterCertificates"/> holds what they hold).</summary>
    public ClusterTlsOptions ClusterTls { get; private init; } = new();

    /// <summary>The silo's certificate and the cluster CA, loaded and checked at start; null: no TLS (loopback only).</summary>
    public ClusterCertificates? ClusterCertificates { get; private init; }

    /// <summary>The time partitions: width, lead, retention, maintenance period (USER_EVENTS_PARTITION*, USER_EVENTS_RETENTION, ...).</summary>
    public PartitionSettings Partitions { get; private init; } = new();

    public IPAddress HttpBind => Http.Bind;

    public string? HttpAuthToken => Http.AuthToken;

    public bool HttpReachableFromOtherMachines => Http.ReachableFromOtherMachines;

    public bool PostgresMigrate => Host.Migrate;

    public string? PostgresPassword => Postgres.Password;

    public SslMode PostgresSslMode => Postgres.SslMode;

    /// <summary>The Npgsql connection string (the password is never logged: use <see cref="DescribePostgres"/>).</summary>
    public string PostgresConnectionString => PostgresDataSources.WriterConnectionString(Postgres, Host.SiloPort);

    public string DescribePostgres => Postgres.Describe;

    /// <summary>Each variable with the value in effect, secrets as <c>REDACTED</c>: what the silo logs once at start.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Effective =>
    [
        .. UserEventsEnvironment.Kafka.Describe(Kafka), .. SiloEnvironment.KafkaReceivers.Describe(Kafka),
        .. UserEventsEnvironment.Postgres.Describe(Postgres), .. UserEventsEnvironment.Cluster.Describe(Cluster),
        .. SiloEnvironment.Host.Describe(Host), .. UserEventsEnvironment.ClusterTls.Describe(ClusterTls), .. SiloEnvironment.Http.Describe(Http),
        .. SiloEnvironment.Writer.Describe(Writer), .. SiloEnvironment.Flush.Describe(Flush), .. Partitions.Describe(),
    ];

    /// <summary>Every variable the silo reads, as the README names them (<c>KAFKA_CLIENT_*</c> for the librdkafka prefix).</summary>
    public static IEnumerable<string> VariableNames =>
    [
        .. UserEventsEnvironment.Kafka.Names, .. SiloEnvironment.KafkaReceivers.Names, .. UserEventsEnvironment.Postgres.Names,
        .. UserEventsEnvironment.Cluster.Names, .. SiloEnvironment.Host.Names, .. UserEventsEnvironment.ClusterTls.Names, .. SiloEnvironment.Http.Names,
        .. SiloEnvironment.Writer.Names, .. SiloEnvironment.Flush.Names, .. PartitionSettings.VariableNames,
    ];

    /// <summary>A summary without the password or the token.</summary>
    public override string ToString() =>
        $"SiloSettings {{ Kafka = {Kafka.BootstrapServers} {Kafka.Topic}, PostgreSQL = {DescribePostgres} (SSL {PostgresSslMode}), Cluster = {Cluster.ClusterId}, HTTP = {Http.Bind}:{Http.Port}, cluster TLS = {ClusterCertificates is not null} }}";

    /// <summary>Reads and validates the settings from <paramref name="variables"/> (environment variable names and values).</summary>
    public static SiloSettings Load(IReadOnlyDictionary<string, string?> variables) =>
        Load(new ConfigurationBuilder().AddInMemoryCollection(variables).Build());

    /// <summary>Reads and validates the settings from <paramref name="configuration"/> (usually the process environment).</summary>
    public static SiloSettings Load(IConfiguration configuration) => Load(configuration, TimeProvider.System);

    /// <summary>As <see cref="Load(IConfiguration)"/>, with certificates checked for validity at <paramref name="time"/>'s now.</summary>
    public static SiloSettings Load(IConfiguration configuration, TimeProvider time)
    {
        var errors = new List<string>();
        var clusterTls = UserEventsEnvironment.ClusterTls.Bind(configuration, new ClusterTlsOptions(), errors);
        var kafka = SiloEnvironment.KafkaReceivers.Bind(configuration, UserEventsEnvironment.ReadKafka(configuration, UserEventsEnvironment.NewKafkaOptions(), errors), errors);
        var settings = new SiloSettings(
            kafka,
            UserEventsEnvironment.ReadPostgres(configuration, errors),
            UserEventsEnvironment.Cluster.Bind(configuration, new ClusterIds(), errors),
            SiloEnvironment.Host.Bind(configuration, new SiloHostOptions(), errors),
            SiloEnvironment.Http.Bind(configuration, new HttpEndpointOptions(), errors),
            SiloEnvironment.Writer.Bind(configuration, new GroupCommitOptions(), errors),
            SiloEnvironment.Flush.Bind(configuration, new PostgresFlushOptions(), errors))
        {
            Partitions = PartitionSettings.Read(configuration, errors),
            ClusterTls = clusterTls,
            ClusterCertificates = ClusterCertificates.Load(clusterTls, ClusterRole.Silo, time, errors),
        };

        errors.AddRange(KafkaStreamOptionsValidator.Validate(kafka).Select(p => SiloEnvironment.KafkaReceivers.Rename(UserEventsEnvironment.Kafka.Rename(p))));
        errors.AddRange(settings.Writer.Validate().Select(SiloEnvironment.Writer.Rename));
        errors.AddRange(settings.Flush.Validate().Select(SiloEnvironment.Flush.Rename));
        errors.AddRange(OptionRanges.Problems(settings.Host).Select(SiloEnvironment.Host.Rename));
        SiloSettingsRules.Check(settings, errors);
        return errors.Count == 0 ? settings : throw new InvalidSettingsException(errors.Distinct().ToArray());
    }
}

/// <summary>The silo's settings are wrong; the message names each variable.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> errors)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
