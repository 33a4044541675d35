using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace UserEvents.Orleans.Postgres.Partitions;

public static class PartitionMaintenanceServiceCollectionExtensions
{
    /// <summary>Keeps the time partitions (needs an <see cref="Npgsql.NpgsqlDataSource"/> registered, as the ingestion registers it).</summary>
    public static IServiceCollection AddPartitionMaintenance(this IServiceCollection services, PartitionSettings settings)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton<PartitionMaintenance>();
        services.AddSingleton<PartitionMetrics>();
        services.AddHostedService<PartitionMaintenanceService>();
        return services;
    }
}
