using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using UserEvents.Orleans.Grains.Telemetry;
using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Silo.Health;
using UserEvents.Orleans.Streaming.Kafka;

namespace UserEvents.Orleans.Silo.Http;

/// <summary><c>/metrics</c> in Prometheus text format: our ingestion and Kafka receiver meters, Orleans' meters, Npgsql's (per pool) and the .NET runtime's.</summary>
public static class MetricsEndpoint
{
    private const string OrleansMeter = "Microsoft.Orleans";

    public static IServiceCollection AddMetricsEndpoint(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("user-events-silo"))
            .WithMetrics(metrics => metrics
                .AddMeter(IngestionMetrics.MeterName, KafkaReceiverMetrics.MeterName, HealthStatusMetrics.MeterName, PartitionMetrics.MeterName, OrleansMeter)
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
