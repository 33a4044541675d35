using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>Options of <c>user-events top</c>.</summary>
public sealed class TopSettings : ClusterSettings
{
    [CommandOption("-m|--minutes <MINUTES>")]
    [Description("Window of event time, ending now")]
    [DefaultValue(60)]
    public int Minutes { get; init; } = 60;

    [CommandOption("-n|--count <N>")]
    [Description("How many movies")]
    [DefaultValue(10)]
    public int Count { get; init; } = 10;

    public override ValidationResult Validate()
    {
        if (Minutes is < 1 or > StatsLimits.MaxTopMinutes)
        {
            return ValidationResult.Error($"--minutes must be between 1 and {StatsLimits.MaxTopMinutes}");
        }

        return Count is < 1 or > StatsLimits.MaxTopCount
            ? ValidationResult.Error($"--count must be between 1 and {StatsLimits.MaxTopCount}")
            : base.Validate();
    }
}
