using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace UserEvents.Orleans.Postgres.Partitions;

/// <summary>
/// One maintenance pass over both partitioned tables (docs/ARCHITECTURE.md, "Partitions and retention"): makes the
/// partitions ahead of now, drops those past the retention together with their counters, summarizes the new BRIN ranges of
/// the partitions being written (instead of autovacuum work items, sql/0020), prunes the per-minute counters, and reads
/// the figures the metrics show. One silo at a time (a session advisory lock; the others skip the pass).
/// </summary>
public sealed partial class PartitionMaintenance(NpgsqlDataSource dataSource, PartitionSettings settings, ILogger<PartitionMaintenance> logger)
{
    /// <summary>The session advisory lock held for a pass, so that silos take turns instead of queueing on DDL.</summary>
    private const string MaintenanceLock = "SELECT pg_try_advisory_lock(hashtext('event_partitions:maintenance'))";
    private const string MaintenanceUnlock = "SELECT pg_advisory_unlock(hashtext('event_partitions:maintenance'))";

    public async Task<PartitionMaintenanceReport> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(connection, MaintenanceLock, cancellationToken))
        {
            LogSkipped();
            return PartitionMaintenanceReport.Skipped;
        }

        try
        {
            var created = new List<string>();
            var dropped = new List<DroppedPartition>();
            var complete = true;
            var summarized = 0L;
            foreach (var parent in PartitionParents.All)
            {
                created.AddRange(await EnsureAsync(connection, parent, cancellationToken));
                if (settings.Retention is { } retention)
                {
                    complete &= await DropExpiredAsync(connection, parent, retention, dropped, cancellationToken);
                }

                summarized += await SummarizeAsync(connection, parent, cancellationToken);
            }

            await using (var prune = new NpgsqlCommand("DELETE FROM ingest_minutes WHERE minute < now() - interval '1 hour'", connection))
            {
                await prune.ExecuteNonQueryAsync(cancellationToken);
            }

            return new PartitionMaintenanceReport(
                true,
                created,
                dropped,
                await PartitionsPerParentAsync(connection, cancellationToken),
                await DefaultPartitionRowsAsync(connection, cancellationToken),
                complete,
                summarized);
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ScalarAsync<bool>(connection, MaintenanceUnlock, CancellationToken.None);
            }
        }
    }

    private async Task<List<string>> EnsureAsync(NpgsqlConnection connection, string parent, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        await using var ensure = new NpgsqlCommand("SELECT event_partitions_ensure(@parent, @interval, @ahead)", connection);
        ensure.Parameters.AddWithValue("parent", parent);
        ensure.Parameters.AddWithValue("interval", settings.Interval);
        ensure.Parameters.AddWithValue("ahead", settings.Ahead);
        await using var reader = await ensure.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            created.Add(name);
            LogCreated(parent, name);
        }

        return created;
    }

    private async Task<long> SummarizeAsync(NpgsqlConnection connection, string parent, CancellationToken cancellationToken)
    {
        await using var summarize = new NpgsqlCommand("SELECT event_partitions_summarize(@parent)", connection);
        summarize.Parameters.AddWithValue("parent", parent);
        var ranges = (long)(await summarize.ExecuteScalarAsync(cancellationToken))!;
        LogSummarized(parent, ranges);
        return ranges;
    }

    /// <summary>
    /// Removes the expired partitions of <paramref name="parent"/>, oldest first: each is retired (detached, its counters
    /// and registry row removed, one transaction), then purged (DROP TABLE, a transaction of its own, so the file system's
    /// time to remove the files holds no lock on the parent; sql/0019). False when one had to wait for the next pass.
    /// </summary>
    private async Task<bool> DropExpiredAsync(NpgsqlConnection connection, string parent, TimeSpan retention, List<DroppedPartition> dropped, CancellationToken cancellationToken)
    {
        try
        {
            // Retired by an earlier pass that stopped before its purge (a crash between the two transactions).
            foreach (var leftover in await RetiredAsync(connection, parent, cancellationToken))
            {
                LogPurgingLeftover(parent, leftover);
                await PurgeAsync(connection, leftover, cancellationToken);
            }

            var concurrently = await CanDetachConcurrentlyAsync(connection, parent, cancellationToken);
            foreach (var expired in await ExpiredAsync(connection, parent, retention, cancellationToken))
            {
                var watch = Stopwatch.StartNew();
                if (concurrently && expired.Attached && !expired.DetachPending)
                {
                    // Outside a transaction, SHARE UPDATE EXCLUSIVE on the parent: COPYs into the hot partition go on.
                    // Interrupted half-way, the partition stays "detach pending"; event_partitions_retire finalizes it.
                    await using var detach = new NpgsqlCommand($"ALTER TABLE {Quote(parent)} DETACH PARTITION {Quote(expired.Partition)} CONCURRENTLY", connection);
                    await detach.ExecuteNonQueryAsync(cancellationToken);
                }
                else if (expired.DetachPending)
                {
                    LogFinalizing(parent, expired.Partition);
                }

                await using var retire = new NpgsqlCommand("SELECT event_partitions_retire(@partition, @retention)", connection);
                retire.Parameters.AddWithValue("partition", expired.Partition);
                retire.Parameters.AddWithValue("retention", retention);
                if (await retire.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    continue; // retired meanwhile by another maintainer
                }

                var retired = watch.Elapsed;
                await PurgeAsync(connection, expired.Partition, cancellationToken);
                var done = new DroppedPartition(parent, expired.Partition, expired.FromAt, expired.ToAt, concurrently && expired.Attached, retired, watch.Elapsed - retired);
                dropped.Add(done);
                LogDropped(parent, expired.Partition, expired.FromAt, expired.ToAt, done.Concurrently ? "concurrently" : "with a short lock", retired.TotalMilliseconds, done.PurgeDuration.TotalMilliseconds);
            }
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled)
        {
            LogDropPostponed(parent, exception.MessageText);
            return false;
        }

        return true;
    }

    private static async Task PurgeAsync(NpgsqlConnection connection, string partition, CancellationToken cancellationToken)
    {
        await using var purge = new NpgsqlCommand("SELECT event_partitions_purge(@partition)", connection);
        purge.Parameters.AddWithValue("partition", partition);
        await purge.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<List<string>> RetiredAsync(NpgsqlConnection connection, string parent, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT partition FROM event_partitions_retired WHERE parent = @parent ORDER BY from_at", connection);
        command.Parameters.AddWithValue("parent", parent);
        var retired = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            retired.Add(reader.GetString(0));
        }

        return retired;
    }

    /// <summary>
    /// DETACH ... CONCURRENTLY needs the parent's owner and a parent without a default partition (PostgreSQL refuses it
    /// otherwise); every other case detaches inside event_partitions_retire (sql/0019).
    /// </summary>
    private static async Task<bool> CanDetachConcurrentlyAsync(NpgsqlConnection connection, string parent, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_has_role(c.relowner, 'USAGE') AND p.partdefid = 0
            FROM pg_class c JOIN pg_partitioned_table p ON p.partrelid = c.oid
            WHERE c.oid = to_regclass(@parent)
            """,
            connection);
        command.Parameters.AddWithValue("parent", parent);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static async Task<List<ExpiredPartition>> ExpiredAsync(NpgsqlConnection connection, string parent, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT e.partition, e.from_at, e.to_at, i.inhrelid IS NOT NULL, coalesce(i.inhdetachpending, false)
            FROM event_partitions e
            LEFT JOIN pg_inherits i ON i.inhrelid = to_regclass(e.partition) AND i.inhparent = to_regclass(e.parent)
            WHERE e.parent = @parent AND e.to_at <= now() - @retention
            ORDER BY e.from_at
            """,
            connection);
        command.Parameters.AddWithValue("parent", parent);
        command.Parameters.AddWithValue("retention", retention);
        var expired = new List<ExpiredPartition>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            expired.Add(new ExpiredPartition(
                reader.GetString(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetBoolean(3),
                reader.GetBoolean(4)));
        }

        return expired;
    }

    private static async Task<Dictionary<string, int>> PartitionsPerParentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Counted from the catalog (what exists, the default partition included), not from the registry.
        await using var command = new NpgsqlCommand(
            "SELECT p.relname, count(i.inhrelid)::int FROM pg_class p LEFT JOIN pg_inherits i ON i.inhparent = p.oid WHERE p.oid = ANY (@parents::regclass[]) GROUP BY p.relname",
            connection);
        command.Parameters.AddWithValue("parents", PartitionParents.All.ToArray());
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }

        return counts;
    }

    private static async Task<Dictionary<string, long>> DefaultPartitionRowsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var parent in PartitionParents.All)
        {
            var table = PartitionParents.DefaultPartitionOf(parent);
            if (!await ScalarAsync<bool>(connection, $"SELECT to_regclass('{table}') IS NOT NULL", cancellationToken))
            {
                continue;
            }

            // Capped: the figure says "rows landed outside every partition", and stays cheap however many did.
            rows[parent] = await ScalarAsync<long>(connection, $"SELECT count(*) FROM (SELECT 1 FROM {Quote(table)} LIMIT 1000) d", cancellationToken);
        }

        return rows;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record ExpiredPartition(string Partition, DateTimeOffset FromAt, DateTimeOffset ToAt, bool Attached, bool DetachPending);

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "Partition {Partition} of {Parent} created")]
    private partial void LogCreated(string parent, string partition);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Information, Message = "Partition {Partition} of {Parent} ({FromAt:o} to {ToAt:o}) dropped with its counters: detached {How} and out of every count in {RetireMilliseconds:F0} ms, its files removed in {PurgeMilliseconds:F0} ms more")]
    private partial void LogDropped(string parent, string partition, DateTimeOffset fromAt, DateTimeOffset toAt, string how, double retireMilliseconds, double purgeMilliseconds);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Warning, Message = "Retention of {Parent} waits for the next maintenance pass: {Reason}")]
    private partial void LogDropPostponed(string parent, string reason);

    [LoggerMessage(EventId = 6304, Level = LogLevel.Information, Message = "Partition {Partition} of {Parent} was left half-detached (detach pending); finalizing the detach")]
    private partial void LogFinalizing(string parent, string partition);

    [LoggerMessage(EventId = 6306, Level = LogLevel.Warning, Message = "Partition {Partition} of {Parent} was retired by an earlier pass that stopped before dropping it; dropping it now")]
    private partial void LogPurgingLeftover(string parent, string partition);

    [LoggerMessage(EventId = 6307, Level = LogLevel.Debug, Message = "Summarized {Ranges} new BRIN block ranges of {Parent}'s current partitions")]
    private partial void LogSummarized(string parent, long ranges);

    [LoggerMessage(EventId = 6305, Level = LogLevel.Debug, Message = "Partition maintenance skipped: another silo holds the maintenance lock")]
    private partial void LogSkipped();
}
