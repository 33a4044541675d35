using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>How to reach the Orleans cluster as a client: its ids and the PostgreSQL that holds its membership.</summary>
public class ClusterSettings : PostgresSettings
{
    [CommandOption("--cluster-id <ID>")]
    [Description("Orleans cluster id [grey](env ORLEANS_CLUSTER_ID, default user-events)[/]")]
    public string ClusterId { get; init; } = EnvironmentDefaults.ClusterId;

    [CommandOption("--service-id <ID>")]
    [Description("Orleans service id [grey](env ORLEANS_SERVICE_ID, default user-events)[/]")]
    public string ServiceId { get; init; } = EnvironmentDefaults.ServiceId;

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId)
            ? ValidationResult.Error("--cluster-id and --service-id must not be empty")
            : base.Validate();
}
