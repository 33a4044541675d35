using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>Options of <c>user</c> and <c>movie</c>: whose figures, and how many of the newest events to list.</summary>
public sealed class LookupSettings : ClusterSettings
{
    [CommandArgument(0, "<id>")]
    [Description("The user_id or movie_id")]
    public int Id { get; init; }

    [CommandOption("--latest <N>")]
    [Description("How many of the newest events to list")]
    [DefaultValue(StatsLimits.DefaultLatest)]
    public int Latest { get; init; } = StatsLimits.DefaultLatest;

    public override ValidationResult Validate() =>
        Latest is < 1 or > StatsLimits.MaxLatest
            ? ValidationResult.Error($"--latest must be between 1 and {StatsLimits.MaxLatest}")
            : base.Validate();
}
