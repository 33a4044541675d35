using Spectre.Console;
using UserEvents.Orleans.Cli.Cluster;
using UserEvents.Orleans.Cli.Rendering;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary><c>user-events movie ID</c>: one movie's counts by event type, distinct users, newest events.</summary>
public sealed class MovieCommand : ClusterCommand<LookupSettings>
{
    protected override async Task<int> ExecuteAsync(IGrainFactory grains, LookupSettings settings, IAnsiConsole output, CancellationToken cancellationToken)
    {
        var movie = await grains.GetGrain<IMovieStatsGrain>(settings.Id).GetAsync(settings.Latest).WaitAsync(cancellationToken);
        output.Write(StatsTables.Figures($"Movie {settings.Id}",
        [
            ("Events", StatsFormat.Number(movie.ByEventType.Sum(t => t.Count))),
            ("Distinct users", StatsFormat.Number(movie.DistinctUsers)),
        ]));
        output.Write(StatsTables.EventTypes(movie.ByEventType));
        output.Write(StatsTables.Events("Latest events", movie.Latest));
        return 0;
    }
}
