using Npgsql;

namespace UserEvents.Orleans.Postgres.Checkpoints;

/// <summary>
/// Names the commit history of the PostgreSQL server a data source reaches now: it changes when commits acknowledged
/// before may be gone (a standby promoted, a backup restored to a point in time: a new WAL timeline) and when the server
/// is another one or restarted (its start time), which costs one needless re-read at most.
/// </summary>
public static class PostgresCommitHistory
{
    private const string Query = """
        SELECT CASE WHEN pg_is_in_recovery() THEN 'in recovery' ELSE 'timeline ' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) END
            || ', started ' || pg_postmaster_start_time()::text
        """;

    public static async Task<string?> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Query);
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }
}
