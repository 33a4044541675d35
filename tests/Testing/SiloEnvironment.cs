using System.Globalization;
using Npgsql;

namespace UserEvents.Orleans.Testing;

/// <summary>The environment of a silo that reads a local broker's topic into one database, with free ports of its own.</summary>
public static class SiloEnvironment
{
    /// <summary>
    /// KAFKA_*, POSTGRES_* (from <paramref name="postgresConnectionString"/>), ORLEANS_* with free silo and gateway ports,
    /// a free HTTP_PORT, and logging at Information (Orleans at Warning) so the receivers' start and stop lines are seen.
    /// </summary>
    public static Dictionary<string, string> For(
        string kafkaBroker,
        string topic,
        string postgresConnectionString,
        string clusterId,
        string startingOffsets = "earliest",
        bool migrate = true)
    {
        var postgres = new NpgsqlConnectionStringBuilder(postgresConnectionString);
        return new Dictionary<string, string>
        {
            ["KAFKA_BROKER"] = kafkaBroker,
            ["KAFKA_TOPIC"] = topic,
            ["KAFKA_STARTING_OFFSETS"] = startingOffsets,
            ["POSTGRES_HOST"] = postgres.Host ?? "127.0.0.1",
            ["POSTGRES_PORT"] = postgres.Port.ToString(CultureInfo.InvariantCulture),
            ["POSTGRES_DB"] = postgres.Database ?? "postgres",
            ["POSTGRES_USER"] = postgres.Username ?? "postgres",
            ["POSTGRES_PASSWORD"] = postgres.Password ?? "",
            ["POSTGRES_MIGRATE"] = migrate ? "true" : "false",
            ["ORLEANS_CLUSTER_ID"] = clusterId,
            ["ORLEANS_SILO_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ORLEANS_GATEWAY_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ORLEANS_ADVERTISED_IP"] = "127.0.0.1",
            ["HTTP_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Warning",
        };
    }
}
