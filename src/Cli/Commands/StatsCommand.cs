using Spectre.Console;
using UserEvents.Orleans.Cli.Cluster;
using UserEvents.Orleans.Cli.Rendering;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary><c>user-events stats</c>: what the cluster has stored, how fast, and each partition's progress.</summary>
public sealed class StatsCommand : ClusterCommand<ClusterSettings>
{
    protected override async Task<int> ExecuteAsync(IGrainFactory grains, ClusterSettings settings, IAnsiConsole output, CancellationToken cancellationToken)
    {
        var stats = await grains.GetGrain<IIngestionStatsGrain>(0).GetAsync().WaitAsync(cancellationToken);
        output.Write(StatsTables.Figures("Ingestion",
        [
            ("Events stored", StatsFormat.Number(stats.EventsStored)),
            ("Events rejected", StatsFormat.Number(stats.EventsRejected)),
            ("Events/s (1 min)", StatsFormat.Rate(stats.EventsPerSecond1m)),
            ("Events/s (5 min)", StatsFormat.Rate(stats.EventsPerSecond5m)),
            ("Total lag", StatsFormat.Number(TotalLag(stats.Partitions))),
            ("Generated at", StatsFormat.Time(stats.GeneratedAt)),
        ]));
        output.Write(StatsTables.EventTypes(stats.ByEventType));
        output.Write(StatsTables.Partitions(stats.Partitions));
        return 0;
    }

    /// <summary>The sum of the partitions' lags; unknown when any is.</summary>
    internal static long? TotalLag(IReadOnlyCollection<PartitionProgress> partitions) =>
        partitions.All(p => p.Lag is not null) ? partitions.Sum(p => p.Lag!.Value) : null;
}
