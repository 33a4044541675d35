using Orleans.Configuration;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>Which broker and topic <see cref="KafkaBrokerHealthCheck"/> asks, and how often.</summary>
internal sealed record KafkaBrokerHealthCheckOptions(KafkaConnectionOptions Connection, string Topic)
{
    /// <summary>How long a metadata request may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a result is reused.</summary>
    public TimeSpan CacheFor { get; init; } = TimeSpan.FromSeconds(5);
}
