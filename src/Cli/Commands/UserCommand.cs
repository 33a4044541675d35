using Spectre.Console;
using UserEvents.Orleans.Cli.Cluster;
using UserEvents.Orleans.Cli.Rendering;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary><c>user-events user ID</c>: one user's counts by event type, first and last event time, newest events.</summary>
public sealed class UserCommand : ClusterCommand<LookupSettings>
{
    protected override async Task<int> ExecuteAsync(IGrainFactory grains, LookupSettings settings, IAnsiConsole output, CancellationToken cancellationToken)
    {
        var user = await grains.GetGrain<IUserStatsGrain>(settings.Id).GetAsync(settings.Latest).WaitAsync(cancellationToken);
        output.Write(StatsTables.Figures($"User {settings.Id}",
        [
            ("Events", StatsFormat.Number(user.ByEventType.Sum(t => t.Count))),
            ("First seen", StatsFormat.Time(user.FirstSeen)),
            ("Last seen", StatsFormat.Time(user.LastSeen)),
        ]));
        output.Write(StatsTables.EventTypes(user.ByEventType));
        output.Write(StatsTables.Events("Latest events", user.Latest));
        return 0;
    }
}
