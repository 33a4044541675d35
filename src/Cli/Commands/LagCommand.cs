using Spectre.Console;
using UserEvents.Orleans.Cli.Cluster;
using UserEvents.Orleans.Cli.Rendering;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary><c>user-events lag</c>: each partition's owner, checkpoint, high watermark and lag, and the total.</summary>
public sealed class LagCommand : ClusterCommand<ClusterSettings>
{
    protected override async Task<int> ExecuteAsync(IGrainFactory grains, ClusterSettings settings, IAnsiConsole output, CancellationToken cancellationToken)
    {
        var partitions = await grains.GetGrain<IIngestionStatsGrain>(0).GetPartitionsAsync().WaitAsync(cancellationToken);
        output.Write(StatsTables.Partitions(partitions));
        output.WriteLine($"total lag: {StatsFormat.Number(StatsCommand.TotalLag(partitions))}");
        return 0;
    }
}
