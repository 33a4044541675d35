using Spectre.Console;
using UserEvents.Orleans.Cli.Cluster;
using UserEvents.Orleans.Cli.Rendering;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary><c>user-events top</c>: the movies with the most events whose event time lies in the last minutes.</summary>
public sealed class TopCommand : ClusterCommand<TopSettings>
{
    protected override async Task<int> ExecuteAsync(IGrainFactory grains, TopSettings settings, IAnsiConsole output, CancellationToken cancellationToken)
    {
        var top = await grains.GetGrain<ITopMoviesGrain>(0).GetAsync(TimeSpan.FromMinutes(settings.Minutes), settings.Count).WaitAsync(cancellationToken);
        output.Write(StatsTables.TopMovies(top));
        return 0;
    }
}
