using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace UserEvents.Orleans.Postgres.Partitions;

/// <summary>
/// Runs <see cref="PartitionMaintenance"/> at start and then every <see cref="PartitionSettings.MaintenancePeriod"/>.
/// A failed pass is logged and retried at the next period: partitions are made <see cref="PartitionSettings.Ahead"/>
/// intervals ahead, so several passes may fail before a COPY would reach the default partition.
/// </summary>
public sealed partial class PartitionMaintenanceService(
    PartitionMaintenance maintenance,
    PartitionMetrics metrics,
    PartitionSettings settings,
    TimeProvider time,
    ILogger<PartitionMaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.MaintenancePeriod, time);
        do
        {
            try
            {
                metrics.Record(await maintenance.RunAsync(stoppingToken), time.GetUtcNow());
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(exception, settings.MaintenancePeriod.TotalSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 6310, Level = LogLevel.Warning, Message = "Partition maintenance failed; retrying in {Seconds:F0} s")]
    private partial void LogPassFailed(Exception exception, double seconds);
}
