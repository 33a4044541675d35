using Microsoft.Extensions.Configuration;
using UserEvents.Orleans.Contracts;
using Orleans.Configuration;

namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// The variables the silo and the CLI both read (names as in the README), bound from the same <see cref="IConfiguration"/>
/// the same way. The silo's own variables are in <c>SiloEnvironment</c>.
/// </summary>
public static class UserEventsEnvironment
{
    /// <summary>The topic read when <c>KAFKA_TOPIC</c> is unset.</summary>
    public const string DefaultTopic = "user-events";

    /// <summary>POSTGRES_HOST, _PORT, _TARGET_SESSION_ATTRIBUTES, _HOST_RECHECK_SECONDS, _DB, _USER, _PASSWORD or _PASSWORD_FILE, _SSL_MODE and _SSL_ROOT_CERT.</summary>
    public static EnvironmentMap<PostgresConnectionSettings> Postgres { get; } = new EnvironmentMap<PostgresConnectionSettings>()
        .Add("POSTGRES_HOST", o => o.Host)
        .Add("POSTGRES_PORT", o => o.Port)
        .Add("POSTGRES_TARGET_SESSION_ATTRIBUTES", o => o.TargetSessionAttributes)
        .Add("POSTGRES_HOST_RECHECK_SECONDS", o => o.HostRecheckSeconds)
        .Add("POSTGRES_DB", o => o.Database)
        .Add("POSTGRES_USER", o => o.User)
        .Secret("POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE", o => o.Password)
        .Choice("POSTGRES_SSL_MODE", o => o.SslMode, PostgresConnectionSettings.SslModes)
        .ExistingFile("POSTGRES_SSL_ROOT_CERT", o => o.SslRootCertificate);

    /// <summary>KAFKA_BROKER, KAFKA_TOPIC and the librdkafka settings KAFKA_CLIENT_* (TLS, SASL).</summary>
    public static EnvironmentMap<KafkaStreamOptions> Kafka { get; } = new EnvironmentMap<KafkaStreamOptions>()
        .Add("KAFKA_BROKER", o => o.BootstrapServers)
        .Add("KAFKA_TOPIC", o => o.Topic)
        .Prefixed("KAFKA_CLIENT_", o => o.ClientSettings);

    /// <summary>ORLEANS_CLUSTER_ID and ORLEANS_SERVICE_ID.</summary>
    public static EnvironmentMap<ClusterIds> Cluster { get; } = new EnvironmentMap<ClusterIds>()
        .Add("ORLEANS_CLUSTER_ID", o => o.ClusterId)
        .Add("ORLEANS_SERVICE_ID", o => o.ServiceId);

    /// <summary>ORLEANS_TLS_CERT_FILE, ORLEANS_TLS_KEY_FILE, ORLEANS_TLS_PFX_PASSWORD or _FILE, ORLEANS_TLS_CA_FILE: mutual TLS in the cluster.</summary>
    public static EnvironmentMap<ClusterTlsOptions> ClusterTls { get; } = new EnvironmentMap<ClusterTlsOptions>()
        .ExistingFile("ORLEANS_TLS_CERT_FILE", o => o.CertificateFile)
        .ExistingFile("ORLEANS_TLS_KEY_FILE", o => o.KeyFile)
        .Secret("ORLEANS_TLS_PFX_PASSWORD", "ORLEANS_TLS_PFX_PASSWORD_FILE", o => o.PfxPassword)
        .ExistingFile("ORLEANS_TLS_CA_FILE", o => o.CaFile);

    /// <summary>Kafka options of the user-events topic with its defaults, before the variables are bound.</summary>
    public static KafkaStreamOptions NewKafkaOptions() => new() { Topic = DefaultTopic, StreamNamespace = StreamNames.UserEventsNamespace };

    /// <summary>The process environment as configuration, for programs that do not build a host.</summary>
    public static IConfiguration FromProcess() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    /// <summary>The PostgreSQL settings of <paramref name="configuration"/>, each problem (naming its variable) added to <paramref name="errors"/>.</summary>
    public static PostgresConnectionSettings ReadPostgres(IConfiguration configuration, ICollection<string> errors)
    {
        var settings = Postgres.Bind(configuration, new PostgresConnectionSettings(), errors);
        foreach (var problem in settings.Validate())
        {
            errors.Add(Postgres.Rename(problem));
        }

        return settings;
    }

    /// <summary>The Kafka settings of <paramref name="configuration"/>, each problem (naming its variable) added to <paramref name="errors"/>.</summary>
    public static KafkaStreamOptions ReadKafka(IConfiguration configuration, KafkaStreamOptions options, ICollection<string> errors) =>
        Kafka.Bind(configuration, options, errors);
}

/// <summary>The Orleans cluster a silo joins or a client reaches.</summary>
public sealed class ClusterIds
{
    public string ClusterId { get; set; } = "user-events";

    public string ServiceId { get; set; } = "user-events";
}
