using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using UserEvents.Orleans.Postgres.Checkpoints;

namespace UserEvents.Orleans.Silo.Failover;

/// <summary>
/// After PostgreSQL lost acknowledged commits (a failover to a standby that lacked them, a point-in-time restore), the
/// membership table's version may lie below what the silos remember, and Orleans ignores a table whose version is not
/// above the one it saw: a silo that dies or joins right after would go unnoticed until the version climbs past it. So
/// when the server's commit history changes (<see cref="PostgresCommitHistory"/>, polled every <see cref="Interval"/>),
/// this raises the cluster's membership version by <see cref="VersionJump"/>, past anything the lost seconds can have held.
/// </summary>
internal sealed partial class MembershipVersionGuard(
    NpgsqlDataSource membership,
    string clusterId,
    Func<CancellationToken, Task<string?>> readHistory,
    TimeProvider time,
    ILogger<MembershipVersionGuard> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    // Each membership change raises the version by one; the commits a failover loses hold a few at most.
    public const int VersionJump = 1000;

    private const string RaiseVersion = """
        UPDATE orleans_membership_version SET version = version + $2, updated_at = now()
        WHERE deploymentid = $1 AND version <= 2147483647 - $2
        RETURNING version
        """;

    private string? history;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                try
                {
                    await CheckAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    // PostgreSQL away (a failover in progress): the next round looks again.
                    LogCheckFailed(exception.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo stops.
        }
    }

    /// <summary>One look at the commit history; raises the version when it changed since the last look.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var current = await readHistory(cancellationToken);
        if (current is null || string.Equals(current, history, StringComparison.Ordinal))
        {
            return;
        }

        if (history is null)
        {
            history = current;
            return;
        }

        await using var command = membership.CreateCommand(RaiseVersion);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = VersionJump });
        var version = await command.ExecuteScalarAsync(cancellationToken);
        LogHistoryChanged(history, current, clusterId, version is int raised ? raised : null, VersionJump);
        history = current;
    }

    [LoggerMessage(EventId = 6330, Level = LogLevel.Warning, Message = "PostgreSQL's commit history changed ({Previous} -> {Current}): commits may have been lost (a failover or a restore); membership version of cluster {ClusterId} raised by {Jump} to {Version} so that every silo takes the table's next changes")]
    private partial void LogHistoryChanged(string previous, string current, string clusterId, int? version, int jump);

    [LoggerMessage(EventId = 6331, Level = LogLevel.Debug, Message = "PostgreSQL commit history not read: {Reason}")]
    private partial void LogCheckFailed(string reason);
}
