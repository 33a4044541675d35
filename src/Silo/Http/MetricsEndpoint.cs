using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using UserEvents.Orleans.Grains.Telemetry;
using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Silo.Health;
using UserEvents.Orleans.Silo.Security;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Silo.Http;

/// <summary><c>/metrics</c> in Prometheus text format: our ingestion and Kafka receiver meters, Orleans' meters, Npgsql's (per pool) and the .NET runtime's.</summary>
public static class MetricsEndpoint
{
    private const string OrleansMeter = "Microsoft.Orleans";

    // OpenTelemetry allocates every metric stream's points up front, 2,000 by default (144 KB each, on the large-object
    // heap): ~240 streams held 35 MB of a 350 MB silo. The other meters' tags (grain type, pool, generation) take a few
    // dozen values; ours (partition, event type) keep the default. (About 100 of Orleans' streams ignore the view.)
    private const int OtherMetersCardinalityLimit = 200;

    private static readonly HashSet<string> OwnMeters =
        [IngestionMetrics.MeterName, KafkaReceiverMetrics.MeterName, HealthStatusMetrics.MeterName, PartitionMetrics.MeterName, ClusterTlsMetrics.MeterName];

    public static IServiceCollection AddMetricsEndpoint(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("user-events-silo"))
            .WithMetrics(metrics => metrics
                .AddMeter([.. OwnMeters, OrleansMeter])
                .AddView(instrument => OwnMeters.Contains(instrument.Meter.Name) ? null : new MetricStreamConfiguration { CardinalityLimit = OtherMetersCardinalityLimit })
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
