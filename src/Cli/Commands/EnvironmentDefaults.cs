namespace UserEvents.Orleans.Cli.Commands;

/// <summary>Option defaults that an environment variable can override (an empty variable counts as unset).</summary>
internal static class EnvironmentDefaults
{
    public const string BrokersVariable = "KAFKA_BROKER";
    public const string TopicVariable = "KAFKA_TOPIC";

    public static string Brokers => Get(BrokersVariable, "localhost:9092");

    public static string Topic => Get(TopicVariable, "user-events");

    private static string Get(string variable, string fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback;
}
