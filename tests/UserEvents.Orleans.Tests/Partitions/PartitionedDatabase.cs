using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Partitions;

/// <summary>
/// A migrated database whose partitions begin <see cref="DaysOfHistory"/> days ago, filled the way the contract says the
/// commit fills it (rows, then counters per partition bucket), and optionally a login that is only a member of
/// user_events_runtime. The role is dropped at the end.
/// </summary>
public sealed class PartitionedDatabase : IAsyncDisposable
{
    public const int DaysOfHistory = 3;

    private string? role;

    private PartitionedDatabase(string ownerConnectionString) => OwnerConnectionString = ownerConnectionString;

    public string OwnerConnectionString { get; }

    /// <summary>The runtime role's connection string once <see cref="AddRuntimeRoleAsync"/> ran.</summary>
    public string RuntimeConnectionString { get; private set; } = "";

    /// <summary>Midnight UTC <see cref="DaysOfHistory"/> days ago: where the legacy partitions now end.</summary>
    public DateTimeOffset HistoryStart { get; private set; }

    public static async Task<PartitionedDatabase> CreateAsync()
    {
        var database = new PartitionedDatabase(await PostgresServer.CreateMigratedDatabaseAsync("parts"));
        var today = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero);
        database.HistoryStart = today.AddDays(-DaysOfHistory);
        foreach (var parent in PartitionParents.All)
        {
            await database.EndLegacyAtAsync(parent, parent == PartitionParents.Events ? "processed_at" : "received_at", database.HistoryStart);
        }

        return database;
    }

    public async Task AddRuntimeRoleAsync()
    {
        role = $"ue_part_{Guid.NewGuid():N}"[..24];
        var password = $"pw-{Guid.NewGuid():N}";
        await PostgresServer.ExecuteAsync(OwnerConnectionString, $"CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE user_events_runtime");
        RuntimeConnectionString = new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Username = role, Password = password }.ConnectionString;
    }

    public static PartitionMaintenance Maintenance(NpgsqlDataSource dataSource, TimeSpan? retention) =>
        new(dataSource, new PartitionSettings { Interval = TimeSpan.FromDays(1), Ahead = 3, Retention = retention }, NullLogger<PartitionMaintenance>.Instance);

    /// <summary>Stores <paramref name="events"/> events and a tenth as many dead letters at <paramref name="at"/>, with their counters.</summary>
    public async Task StoreAsync(DateTimeOffset at, int events)
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var rows = new NpgsqlCommand(
            """
            INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset)
            SELECT g % 97, g % 31, (ARRAY['view', 'like', 'share'])[1 + g % 3], @at - interval '1 second', @at, g % 3, g
            FROM generate_series(1, @events) g;
            INSERT INTO user_events_rejected (kafka_partition, kafka_offset, raw_value, reason, received_at)
            SELECT g % 3, g, '\x00'::bytea, 'not JSON', @at FROM generate_series(1, @events / 10) g;
            INSERT INTO event_type_counts (bucket, kafka_partition, event_type, events, first_event, last_event)
            SELECT (SELECT from_at FROM event_partitions WHERE parent = 'user_events' AND from_at <= @at AND @at < to_at),
                   g % 3, (ARRAY['view', 'like', 'share'])[1 + g % 3], count(*), @at - interval '1 second', @at - interval '1 second'
            FROM generate_series(1, @events) g GROUP BY 2, 3
            ON CONFLICT (bucket, kafka_partition, event_type) DO UPDATE SET events = event_type_counts.events + EXCLUDED.events;
            INSERT INTO rejected_counts (bucket, kafka_partition, rejected)
            SELECT (SELECT from_at FROM event_partitions WHERE parent = 'user_events_rejected' AND from_at <= @at AND @at < to_at), g % 3, count(*)
            FROM generate_series(1, @events / 10) g GROUP BY 2
            ON CONFLICT (bucket, kafka_partition) DO UPDATE SET rejected = rejected_counts.rejected + EXCLUDED.rejected;
            INSERT INTO ingest_minutes (minute, kafka_partition, events, rejected)
            VALUES (date_trunc('minute', @at), 0, @events, @events / 10)
            ON CONFLICT (minute, kafka_partition) DO UPDATE SET events = ingest_minutes.events + EXCLUDED.events;
            """,
            connection,
            transaction))
        {
            rows.Parameters.AddWithValue("at", at);
            rows.Parameters.AddWithValue("events", events);
            await rows.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>The counters' figures next to what SQL counts: (type, counted, counters) and rejected (counted, counters).</summary>
    public async Task AssertCountersEqualRowsAsync()
    {
        var mismatches = await PostgresServer.ScalarAsync<long>(
            OwnerConnectionString,
            """
            SELECT count(*) FROM (
                SELECT event_type, count(*) AS n FROM user_events GROUP BY event_type
                UNION ALL SELECT 'rejected', count(*) FROM user_events_rejected
            ) counted
            FULL JOIN (
                SELECT event_type, sum(events) AS n FROM event_type_counts GROUP BY event_type
                UNION ALL SELECT 'rejected', coalesce(sum(rejected), 0) FROM rejected_counts
            ) kept USING (event_type)
            WHERE counted.n IS DISTINCT FROM kept.n
            """);
        Assert.Equal(0, mismatches);
    }

    public Task ExecuteAsync(string sql) => PostgresServer.ExecuteAsync(OwnerConnectionString, sql);

    public Task<long> CountAsync(string sql) => PostgresServer.ScalarAsync<long>(OwnerConnectionString, sql);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (role is not null)
        {
            await PostgresServer.ExecuteAsync(OwnerConnectionString, $"DROP OWNED BY {role}");
            await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"DROP ROLE IF EXISTS {role}");
        }
    }

    /// <summary>Moves the legacy partition's end back to <paramref name="boundary"/> (it is empty in a new database), as after days of running.</summary>
    private async Task EndLegacyAtAsync(string parent, string key, DateTimeOffset boundary)
    {
        var legacy = parent + "_legacy";
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            ALTER TABLE {parent} DETACH PARTITION {legacy};
            ALTER TABLE {legacy} DROP CONSTRAINT {legacy}_bound;
            ALTER TABLE {legacy} ADD CONSTRAINT {legacy}_bound CHECK ({key} < '{boundary:O}');
            ALTER TABLE {parent} ATTACH PARTITION {legacy} FOR VALUES FROM (MINVALUE) TO ('{boundary:O}');
            UPDATE event_partitions SET to_at = '{boundary:O}' WHERE partition = '{legacy}';
            """,
            connection);
        await command.ExecuteNonQueryAsync();
    }
}
