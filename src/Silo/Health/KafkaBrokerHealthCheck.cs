using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>
/// Healthy when the Kafka broker answers a metadata request for the topic within <see cref="KafkaBrokerHealthCheckOptions.Timeout"/>
/// and the topic has partitions. One metadata client for the silo's lifetime; a result (or a request in flight) is reused for
/// <see cref="KafkaBrokerHealthCheckOptions.CacheFor"/>, so frequent probes do not turn into frequent requests.
/// </summary>
internal sealed partial class KafkaBrokerHealthCheck : IHealthCheck, IDisposable
{
    private readonly KafkaBrokerHealthCheckOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<KafkaBrokerHealthCheck> logger;
    private readonly Lazy<IAdminClient> admin;
    private readonly Lock gate = new();
    private Task<HealthCheckResult>? lastProbe;
    private long lastProbeStarted;

    public KafkaBrokerHealthCheck(KafkaBrokerHealthCheckOptions options, TimeProvider time, ILogger<KafkaBrokerHealthCheck> logger)
    {
        this.options = options;
        this.time = time;
        this.logger = logger;
        admin = new Lazy<IAdminClient>(CreateAdminClient);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (lastProbe is null || time.GetElapsedTime(lastProbeStarted) >= options.CacheFor)
            {
                lastProbeStarted = time.GetTimestamp();
                lastProbe = Task.Run(() => Probe(context.Registration.FailureStatus), CancellationToken.None);
            }

            return lastProbe.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        if (admin.IsValueCreated)
        {
            admin.Value.Dispose();
        }
    }

    private HealthCheckResult Probe(HealthStatus failureStatus)
    {
        try
        {
            var metadata = admin.Value.GetMetadata(options.Topic, options.Timeout);
            var topic = metadata.Topics.SingleOrDefault(t => t.Topic == options.Topic);
            if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
            {
                return new HealthCheckResult(failureStatus, $"Kafka {options.BootstrapServers} answered, but topic {options.Topic} is not available ({topic?.Error.Reason ?? "not in metadata"})");
            }

            return HealthCheckResult.Healthy($"Kafka {options.BootstrapServers} answered: topic {options.Topic} has {topic.Partitions.Count} partitions on {metadata.Brokers.Count} broker(s)");
        }
        catch (KafkaException exception)
        {
            return new HealthCheckResult(failureStatus, $"Kafka {options.BootstrapServers} did not answer a metadata request (timeout {options.Timeout.TotalSeconds:0.#} s): {exception.Error.Reason}", exception);
        }
    }

    private IAdminClient CreateAdminClient() =>
        new AdminClientBuilder(new AdminClientConfig(new Dictionary<string, string>(options.ClientSettings))
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = "user-events-health",
        })
            .SetLogHandler((_, message) => LogClient(message.Level.ToString(), message.Message))
            .SetErrorHandler((_, error) => LogClient("error", error.Reason))
            .Build();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka health client {Level}: {Message}")]
    private partial void LogClient(string level, string message);
}
