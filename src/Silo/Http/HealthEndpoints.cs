using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Silo.Configuration;
using UserEvents.Orleans.Silo.Health;

namespace UserEvents.Orleans.Silo.Http;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: this silo is Active in the cluster, PostgreSQL answers and the
/// Kafka broker answers for the topic, and every partition assigned to this silo has a running receiver (after a grace period), and the cluster reads every partition of the topic; 503 when any of them is not. Both answer JSON listing each check.
/// </summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddHealthEndpoints(this IServiceCollection services, SiloSettings settings)
    {
        services.AddSingleton(new KafkaBrokerHealthCheckOptions(settings.Kafka.Connection, settings.Kafka.Topic));
        services.AddSingleton<KafkaBrokerHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<OrleansSiloHealthCheck>("orleans", tags: [ReadyTag], timeout: CheckTimeout)
            .Add(new HealthCheckRegistration(
                "postgresql",
                services => new PostgresHealthCheck(services.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKeys.Health), settings.DescribePostgres),
                HealthStatus.Unhealthy,
                [ReadyTag],
                CheckTimeout))
            .AddCheck<KafkaBrokerHealthCheck>("kafka", tags: [ReadyTag], timeout: CheckTimeout)
            .Add(new HealthCheckRegistration(
                "kafka-receivers",
                services => new KafkaReceiversHealthCheck(services.GetRequiredService<OrleansKafka.Streaming.KafkaReceiverMetrics>(), TimeProvider.System, settings.Host.ReceiverStartGrace),
                HealthStatus.Unhealthy,
                [ReadyTag],
                CheckTimeout))
            .Add(new HealthCheckRegistration(
                "kafka-checkpoints",
                services => new KafkaCheckpointsHealthCheck(services.GetRequiredService<OrleansKafka.Streaming.KafkaReceiverMetrics>()),
                HealthStatus.Unhealthy,
                [ReadyTag],
                CheckTimeout))
            .Add(new HealthCheckRegistration(
                "kafka-partitions",
                services => new KafkaTopicPartitionsHealthCheck(services.GetRequiredService<OrleansKafka.Streaming.KafkaReceiverMetrics>()),
                HealthStatus.Unhealthy,
                [ReadyTag],
                CheckTimeout));
        services.AddSingleton<HealthStatusMetrics>();
        services.AddSingleton<IHealthCheckPublisher>(provider => provider.GetRequiredService<HealthStatusMetrics>());
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(2);
            o.Period = TimeSpan.FromSeconds(5);
            o.Predicate = check => check.Tags.Contains(ReadyTag);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportJsonWriter.WriteAsync });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = HealthReportJsonWriter.WriteAsync });
        return endpoints;
    }
}
