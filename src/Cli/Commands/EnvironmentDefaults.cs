using Microsoft.Extensions.Configuration;
using UserEvents.Orleans.Postgres.Configuration;
using Orleans.Configuration;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>
/// Option defaults from the environment, read by the silo's own maps (<see cref="UserEventsEnvironment"/>): the same
/// variables, defaults and rules as the silo, TLS and SASL settings included. Options on the command line win.
/// </summary>
internal static class EnvironmentDefaults
{
    /// <summary>The process environment as configuration, read once.</summary>
    public static IConfiguration Configuration { get; } = UserEventsEnvironment.FromProcess();

    /// <summary>KAFKA_BROKER, KAFKA_TOPIC and KAFKA_CLIENT_* with their defaults (wrong values are reported by <see cref="KafkaErrors"/>).</summary>
    public static KafkaStreamOptions Kafka => UserEventsEnvironment.ReadKafka(Configuration, UserEventsEnvironment.NewKafkaOptions(), new List<string>());

    /// <summary>One line per wrong Kafka variable.</summary>
    public static IReadOnlyList<string> KafkaErrors
    {
        get
        {
            var errors = new List<string>();
            UserEventsEnvironment.ReadKafka(Configuration, UserEventsEnvironment.NewKafkaOptions(), errors);
            return errors;
        }
    }

    public static string Brokers => Kafka.BootstrapServers;

    public static string Topic => Kafka.Topic;

    public static string ClusterId => UserEventsEnvironment.Cluster.Bind(Configuration, new ClusterIds(), new List<string>()).ClusterId;

    public static string ServiceId => UserEventsEnvironment.Cluster.Bind(Configuration, new ClusterIds(), new List<string>()).ServiceId;

    /// <summary>The connection of <paramref name="brokers"/> (the command's option or KAFKA_BROKER) with the KAFKA_CLIENT_* settings.</summary>
    public static KafkaConnectionOptions KafkaConnection(string brokers)
    {
        var connection = Kafka.Connection.Clone();
        connection.BootstrapServers = brokers;
        return connection;
    }
}
