using System.Globalization;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>Option defaults that an environment variable can override (an empty variable counts as unset); the silo reads the same variables.</summary>
internal static class EnvironmentDefaults
{
    public const string BrokersVariable = "KAFKA_BROKER";
    public const string TopicVariable = "KAFKA_TOPIC";

    /// <summary>What <see cref="PostgresPort"/> is when POSTGRES_PORT is not a number, so that validation names it.</summary>
    public const int InvalidPort = -1;

    public static string Brokers => Get(BrokersVariable, "localhost:9092");

    public static string Topic => Get(TopicVariable, "user-events");

    public static string PostgresHost => Get("POSTGRES_HOST", "localhost");

    public static int PostgresPort =>
        int.TryParse(Get("POSTGRES_PORT", "5432"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : InvalidPort;

    public static string PostgresDatabase => Get("POSTGRES_DB", "postgres");

    public static string PostgresUser => Get("POSTGRES_USER", "postgres");

    public static string? PostgresPassword => Environment.GetEnvironmentVariable("POSTGRES_PASSWORD");

    public static string ClusterId => Get("ORLEANS_CLUSTER_ID", "user-events");

    public static string ServiceId => Get("ORLEANS_SERVICE_ID", "user-events");

    private static string Get(string variable, string fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback;
}
