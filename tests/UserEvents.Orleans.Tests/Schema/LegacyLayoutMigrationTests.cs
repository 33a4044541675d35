using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Schema;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.Postgres;
using static UserEvents.Orleans.Tests.Postgres.CommitPlanTests;

namespace UserEvents.Orleans.Tests.Schema;

/// <summary>
/// A database of the layout before sql/0017 (one plain table), holding rows, migrates to time partitions without
/// losing a row, with counters and ledger that match them, and the pipeline carries on from its checkpoints.
/// </summary>
public sealed class LegacyLayoutMigrationTests
{
    private const int EventsPerPartition = 20_000;

    [Fact]
    public async Task A_populated_database_of_the_plain_layout_keeps_every_row_and_continues_where_it_stopped()
    {
        var connectionString = await PostgresServer.CreateEmptyDatabaseAsync("legacy");
        await ApplyScriptsBeforeTimePartitionsAsync(connectionString);
        await PostgresServer.ExecuteAsync(connectionString, $"""
            INSERT INTO kafka_checkpoints (topic, partition, next_offset, start_offset) VALUES ('t', 0, {EventsPerPartition}, 0), ('t', 1, {EventsPerPartition}, 0);
            INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset)
            SELECT g % 977, g % 101, (ARRAY['click', 'view', 'rate'])[1 + g % 3], now() - interval '2 days' + g * interval '1 s',
                   now() - interval '1 day' + g * interval '1 ms', p, g
            FROM generate_series(0, {EventsPerPartition - 2}) g, generate_series(0, 1) p;
            INSERT INTO user_events_rejected (kafka_partition, kafka_offset, raw_value, reason) VALUES (0, {EventsPerPartition - 1}, 'x', 'bad'), (1, {EventsPerPartition - 1}, 'y', 'bad');
            """);
        var typesBefore = await EventTypeCountsAsync(connectionString, "SELECT event_type, count(*) FROM user_events GROUP BY 1");
        var maxIdBefore = await PostgresServer.ScalarAsync<long>(connectionString, "SELECT max(id) FROM user_events");

        new PostgresSchemaMigrator(NullLogger<PostgresSchemaMigrator>.Instance).Migrate(connectionString, createDatabase: false);

        Assert.Equal("p", await PostgresServer.ScalarAsync<string>(connectionString, "SELECT relkind::text FROM pg_class WHERE relname = 'user_events'"));
        Assert.Equal("p", await PostgresServer.ScalarAsync<string>(connectionString, "SELECT relkind::text FROM pg_class WHERE relname = 'user_events_rejected'"));
        Assert.Equal(2L * (EventsPerPartition - 1), await PostgresServer.ScalarAsync<long>(connectionString, "SELECT count(*) FROM user_events"));
        Assert.Equal(2L, await PostgresServer.ScalarAsync<long>(connectionString, "SELECT count(*) FROM user_events_rejected"));
        Assert.Equal(typesBefore, await EventTypeCountsAsync(connectionString, "SELECT event_type, count(*) FROM user_events GROUP BY 1"));
        Assert.Equal(typesBefore, await EventTypeCountsAsync(connectionString, "SELECT event_type, event_count FROM user_events_stats_fast"));
        Assert.Equal(typesBefore, await EventTypeCountsAsync(connectionString, "SELECT event_type, event_count FROM user_events_stats"));
        Assert.Equal(2L, await PostgresServer.ScalarAsync<long>(connectionString,
            $"SELECT count(*) FROM kafka_commit_ledger WHERE kind = 'migrated' AND from_offset = 0 AND to_offset = {EventsPerPartition} AND events + rejected = {EventsPerPartition}"));
        Assert.Equal(10L, await PostgresServer.ScalarAsync<long>(connectionString, "SELECT count(*) FROM get_recent_events(10)"));

        // The pipeline goes on: the next range commits, ids continue above the old ones, the ledger chains on.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var outcomes = await Committers.Create(dataSource).CommitAsync([Batch(0, EventsPerPartition, EventsPerPartition + 100, rejectAt: [EventsPerPartition + 5])], default);
        Assert.Equal(BatchCommitStatus.Committed, outcomes[0].Status);
        Assert.Equal(EventsPerPartition + 100, (await new PostgresCheckpointStore(dataSource).ReadAsync("t", 0, default))?.NextOffset);
        Assert.True(await PostgresServer.ScalarAsync<long>(connectionString, $"SELECT min(id) FROM user_events WHERE kafka_offset >= {EventsPerPartition}") > maxIdBefore);
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(connectionString,
            $"SELECT count(*) FROM kafka_commit_ledger WHERE kind = 'stored' AND partition = 0 AND from_offset = {EventsPerPartition} AND to_offset = {EventsPerPartition + 100} AND events = 99 AND rejected = 1"));
        Assert.Equal(2L * (EventsPerPartition - 1) + 99, await PostgresServer.ScalarAsync<long>(connectionString, "SELECT sum(events) FROM event_type_counts"));
        Assert.Equal(3L, await PostgresServer.ScalarAsync<long>(connectionString, "SELECT sum(rejected) FROM rejected_counts"));

        // Applying the script again changes nothing (scripts also run by hand with psql -f).
        await PostgresServer.ExecuteAsync(connectionString, await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "sql", "0017_time_partitions.sql")));
        Assert.Equal(2L * (EventsPerPartition - 1) + 99, await PostgresServer.ScalarAsync<long>(connectionString, "SELECT count(*) FROM user_events"));
        Assert.Equal(3L, await PostgresServer.ScalarAsync<long>(connectionString, "SELECT count(*) FROM kafka_commit_ledger"));
    }

    /// <summary>The scripts before 0017, applied and journaled as DbUp would have on the version before.</summary>
    private static async Task ApplyScriptsBeforeTimePartitionsAsync(string connectionString)
    {
        await PostgresServer.ExecuteAsync(connectionString,
            "CREATE TABLE schemaversions (schemaversionsid serial PRIMARY KEY, scriptname varchar(255) NOT NULL, applied timestamp NOT NULL)");
        foreach (var script in PostgresSchemaMigrator.ScriptNames.Where(n => string.CompareOrdinal(n, "sql.0017") < 0))
        {
            var file = Path.Combine(RepositoryPaths.Root, "sql", script["sql.".Length..]);
            await PostgresServer.ExecuteAsync(connectionString, await File.ReadAllTextAsync(file));
            await PostgresServer.ExecuteAsync(connectionString, $"INSERT INTO schemaversions (scriptname, applied) VALUES ('{script}', now())");
        }
    }

    private static async Task<SortedDictionary<string, long>> EventTypeCountsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }
}
