using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Grains.Telemetry;
using OrleansKafka.Streaming.Balancing;

namespace UserEvents.Orleans.Grains.Stats;

/// <summary>Every <see cref="Period"/>, tells <see cref="ISiloIngestionGrain"/> what this silo reads and has read and stored.</summary>
public sealed partial class SiloIngestionReporter(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    SiloThroughputCounter counter,
    [FromKeyedServices(StreamNames.KafkaProvider)] KafkaPartitionReaders readers,
    TimeProvider time,
    ILogger<SiloIngestionReporter> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = silo.SiloAddress.ToParsableString();
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var partitions = readers.Current.QueuesOf(self).ToArray();
                await grains.GetGrain<ISiloIngestionGrain>(0).ReportAsync(
                    new SiloIngestionReport(self, partitions, counter.RecordsRead, counter.EventsStored, time.GetUtcNow()));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Before the silo is active, and while the grain moves, reports fail; the next one comes soon.
                LogReportFailed(exception);
            }
        }
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Debug, Message = "Reporting this silo's ingestion figures failed; the next report follows in 2 s")]
    private partial void LogReportFailed(Exception exception);
}
