using Npgsql;
using UserEvents.Orleans.Postgres.Partitions;

namespace UserEvents.Orleans.Tests.Partitions;

/// <summary>
/// Retention in two transactions (sql/0019): retiring takes the partition out of the table and the counters; purging
/// removes its files while holding no lock ingestion waits for; a retired partition left behind by a crash between the
/// two is purged by the next maintenance pass.
/// </summary>
public sealed class RetentionInTwoStepsTests
{
    [Fact]
    public async Task While_a_retired_partitions_files_are_removed_ingestion_into_the_parent_does_not_wait()
    {
        // With the default partition present the detach is the plain one (ACCESS EXCLUSIVE on the parent). 0018 held that
        // lock until the DROP's files were gone; the purge's transaction holds none on the parent.
        await using var database = await PartitionedDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.OwnerConnectionString);
        await PartitionedDatabase.Maintenance(dataSource, retention: null).RunAsync(CancellationToken.None);
        var old = $"user_events_p{database.HistoryStart:yyyyMMdd}t0000";
        await database.StoreAsync(database.HistoryStart.AddHours(2), 1_000);
        const string Insert =
            "SET lock_timeout = '200ms'; INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset) VALUES (1, 1, 'view', now(), now(), 0, 1)";

        // The one-transaction path (event_partitions_drop, 0018's way) holds the parent until its COMMIT removed the files.
        await using (var dropper = new NpgsqlConnection(database.OwnerConnectionString))
        {
            await dropper.OpenAsync();
            await using var dropping = await dropper.BeginTransactionAsync();
            await using (var drop = new NpgsqlCommand($"SELECT event_partitions_drop('{old}', interval '1 day')", dropper, dropping))
            {
                Assert.Equal(true, await drop.ExecuteScalarAsync());
            }

            var waited = await Assert.ThrowsAsync<PostgresException>(() => database.ExecuteAsync(Insert));
            Assert.Equal(PostgresErrorCodes.LockNotAvailable, waited.SqlState);
            await dropping.RollbackAsync();
        }

        await database.ExecuteAsync($"SELECT event_partitions_retire('{old}', interval '1 day')");

        Assert.Equal(0, await database.CountAsync($"SELECT count(*) FROM pg_inherits WHERE inhrelid = '{old}'::regclass"));
        Assert.Equal(0, await database.CountAsync("SELECT count(*) FROM user_events"));
        await database.AssertCountersEqualRowsAsync();

        await using var purger = new NpgsqlConnection(database.OwnerConnectionString);
        await purger.OpenAsync();
        await using var purging = await purger.BeginTransactionAsync();
        await using (var purge = new NpgsqlCommand($"SELECT event_partitions_purge('{old}')", purger, purging))
        {
            Assert.Equal(true, await purge.ExecuteScalarAsync());
        }

        // The purge's transaction is still open (its COMMIT is where the files go): an insert must not queue behind it.
        await database.ExecuteAsync(Insert);
        await purging.CommitAsync();

        Assert.Equal(0, await database.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = '{old}'"));
        Assert.Equal(0, await database.CountAsync("SELECT count(*) FROM event_partitions_retired"));
        Assert.Equal(1, await database.CountAsync("SELECT count(*) FROM user_events"));
    }

    [Fact]
    public async Task A_partition_retired_by_a_pass_that_died_before_its_purge_is_dropped_by_the_next_pass()
    {
        await using var database = await PartitionedDatabase.CreateAsync();
        await database.AddRuntimeRoleAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.RuntimeConnectionString);
        await PartitionedDatabase.Maintenance(dataSource, retention: null).RunAsync(CancellationToken.None);
        var old = $"user_events_p{database.HistoryStart:yyyyMMdd}t0000";
        await database.StoreAsync(database.HistoryStart.AddHours(2), 500);
        await database.StoreAsync(DateTimeOffset.UtcNow, 100);
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var retire = new NpgsqlCommand($"SELECT event_partitions_retire('{old}', interval '1 day')", connection))
        {
            Assert.Equal(true, await retire.ExecuteScalarAsync());
        }

        Assert.Equal(1, await database.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = '{old}'"));

        // No retention this time: the leftover is purged whatever the setting; nothing else is dropped.
        var report = await PartitionedDatabase.Maintenance(dataSource, retention: TimeSpan.FromDays(30)).RunAsync(CancellationToken.None);

        Assert.True(report.Complete);
        Assert.Empty(report.Dropped);
        Assert.Equal(0, await database.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = '{old}'"));
        Assert.Equal(0, await database.CountAsync("SELECT count(*) FROM event_partitions_retired"));
        Assert.Equal(100, await database.CountAsync("SELECT count(*) FROM user_events"));
        await database.AssertCountersEqualRowsAsync();
    }

    [Fact]
    public async Task The_runtime_role_can_purge_only_retired_partitions()
    {
        await using var database = await PartitionedDatabase.CreateAsync();
        await database.AddRuntimeRoleAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.RuntimeConnectionString);
        await PartitionedDatabase.Maintenance(dataSource, retention: null).RunAsync(CancellationToken.None);
        var today = $"user_events_p{DateTimeOffset.UtcNow:yyyyMMdd}t0000";

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var purgeAttached = new NpgsqlCommand($"SELECT event_partitions_purge('{today}')", connection);
        await using var purgeStranger = new NpgsqlCommand("SELECT event_partitions_purge('kafka_checkpoints')", connection);
        await using var forge = new NpgsqlCommand($"INSERT INTO event_partitions_retired (partition, parent, from_at, to_at) VALUES ('{today}', 'user_events', now(), now())", connection);

        Assert.Equal(false, await purgeAttached.ExecuteScalarAsync());
        Assert.Equal(false, await purgeStranger.ExecuteScalarAsync());
        var refused = await Assert.ThrowsAsync<PostgresException>(() => forge.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(1, await database.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = '{today}'"));
        Assert.Equal(2, await database.CountAsync("SELECT count(*) FROM pg_class WHERE relname IN ('kafka_checkpoints', 'user_events_default')"));
    }
}
