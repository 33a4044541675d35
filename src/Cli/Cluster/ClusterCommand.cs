using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Cli.Commands;
using UserEvents.Orleans.Cli.Rendering;

namespace UserEvents.Orleans.Cli.Cluster;

/// <summary>
/// A command that asks the cluster's grains: it connects as an Orleans client, runs, and disconnects.
/// Exit codes: what the command returns, 1 when the cluster cannot be reached or the call fails.
/// </summary>
public abstract class ClusterCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : ClusterSettings
{
    public const int ExitFailed = 1;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ClusterConnection connection;
        try
        {
            connection = await ClusterConnection.ConnectAsync(settings, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            CliConsole.CreateError().MarkupLineInterpolated(
                $"[red]error:[/] cannot connect to Orleans cluster {settings.ClusterId} (membership in PostgreSQL {settings.DescribePostgres}): {Describe(exception)}");
            return ExitFailed;
        }

        await using (connection)
        {
            return await ExecuteAsync(connection.Client, settings, CliConsole.CreateOutput(), cancellationToken);
        }
    }

    /// <summary>Asks the grains and writes to <paramref name="output"/>; returns the exit code.</summary>
    protected abstract Task<int> ExecuteAsync(IGrainFactory grains, TSettings settings, IAnsiConsole output, CancellationToken cancellationToken);

    // Orleans wraps the cause (a refused certificate, a wrong password) in its own exceptions: say both.
    private static string Describe(Exception exception) =>
        exception.GetBaseException() is var cause && cause != exception ? $"{exception.Message} ({cause.Message})" : exception.Message;
}
