using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>
/// Healthy when the Kafka broker answers a metadata request for the topic within <see cref="KafkaBrokerHealthCheckOptions.Timeout"/>
/// and the topic has partitions. One metadata client for the silo's lifetime; a result (or a request in flight) is reused for
/// <see cref="KafkaBrokerHealthCheckOptions.CacheFor"/>, so frequent probes do not turn into frequent requests.
/// </summary>
internal sealed class KafkaBrokerHealthCheck : IHealthCheck, IDisposable
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
            var partitions = KafkaTopicMetadata.ReadPartitionCount(admin.Value, options.Topic, options.Timeout);
            return HealthCheckResult.Healthy($"Kafka {Brokers} answered: topic {options.Topic} has {partitions} partitions");
        }
        catch (TopicNotFoundException exception)
        {
            return new HealthCheckResult(failureStatus, $"Kafka {Brokers} answered, but topic {options.Topic} is not available ({exception.Error.Reason})");
        }
        catch (KafkaException exception)
        {
            return new HealthCheckResult(failureStatus, $"Kafka {Brokers} did not answer a metadata request (timeout {options.Timeout.TotalSeconds:0.#} s): {exception.Error.Reason}", exception);
        }
    }

    private string Brokers => options.Connection.BootstrapServers;

    private IAdminClient CreateAdminClient() => KafkaAdminClients.Create(options.Connection, "user-events-health", logger);
}
