using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Events;
using UserEvents.Orleans.Tests.Infrastructure;
using static UserEvents.Orleans.Tests.Postgres.CommitPlanTests;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>The exactly-once protocol against a real PostgreSQL: what is stored, and what the checkpoints say.</summary>
public sealed class PostgresBatchCommitterTests : IAsyncLifetime
{
    private string connectionString = "";
    private NpgsqlDataSource dataSource = null!;
    private PostgresBatchCommitter committer = null!;
    private PostgresCheckpointStore checkpoints = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateMigratedDatabaseAsync("commit");
        dataSource = NpgsqlDataSource.Create(connectionString);
        committer = Committers.Create(dataSource);
        checkpoints = new PostgresCheckpointStore(dataSource);
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task Pinning_keeps_the_first_checkpoint()
    {
        Assert.Null(await checkpoints.ReadAsync("t", 0, default));
        Assert.Equal(100, (await checkpoints.PinAsync("t", 0, 100, null, default)).NextOffset);
        Assert.Equal(100, (await checkpoints.PinAsync("t", 0, 500, null, default)).NextOffset);
        Assert.Equal(100, (await checkpoints.ReadAsync("t", 0, default))?.NextOffset);
    }

    [Fact]
    public async Task Stores_events_dead_letters_and_checkpoint_in_one_commit_with_ms_timestamps()
    {
        await checkpoints.PinAsync("t", 3, 0, null, default);

        var outcomes = await committer.CommitAsync([Batch(3, 0, 10, rejectAt: [4])], default);

        Assert.Equal(new BatchCommitOutcome(BatchCommitStatus.Committed, 10, 9, 1), outcomes[0]);
        Assert.Equal(9L, await Count("SELECT count(*) FROM user_events WHERE kafka_partition = 3"));
        Assert.Equal(1L, await Count("SELECT count(*) FROM user_events_rejected WHERE kafka_partition = 3 AND kafka_offset = 4 AND raw_value = '\\x0203'::bytea AND reason = 'bad'"));
        Assert.Equal(10, (await checkpoints.ReadAsync("t", 3, default))?.NextOffset);
        var eventTime = await PostgresServer.ScalarAsync<DateTime>(connectionString, "SELECT event_timestamp FROM user_events WHERE kafka_offset = 0");
        Assert.Equal(new DateTime(2023, 11, 29, 5, 9, 27, 890, DateTimeKind.Utc), eventTime.ToUniversalTime());
    }

    [Fact]
    public async Task A_batch_delivered_twice_is_stored_once()
    {
        await checkpoints.PinAsync("t", 0, 0, null, default);
        var batch = Batch(0, 0, 50);

        var first = await committer.CommitAsync([batch], default);
        var again = await committer.CommitAsync([batch], default);

        Assert.Equal(BatchCommitStatus.Committed, first[0].Status);
        Assert.Equal(new BatchCommitOutcome(BatchCommitStatus.AlreadyStored, 50, 0, 0), again[0]);
        Assert.Equal(50L, await Count("SELECT count(*) FROM user_events"));
    }

    [Fact]
    public async Task A_gap_writes_nothing_and_leaves_the_checkpoint()
    {
        await checkpoints.PinAsync("t", 0, 0, null, default);

        var outcome = await committer.CommitAsync([Batch(0, 10, 20)], default);

        Assert.Equal(BatchCommitStatus.Gap, outcome[0].Status);
        Assert.Equal(0L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(0, (await checkpoints.ReadAsync("t", 0, default))?.NextOffset);
    }

    [Fact]
    public async Task Two_silos_flushing_overlapping_ranges_at_once_store_every_offset_once()
    {
        // The old owner of a partition flushes [0, 600) while the new owner flushes [0, 400) and [400, 900).
        await checkpoints.PinAsync("t", 0, 0, null, default);
        var oldOwner = Committers.Create(NpgsqlDataSource.Create(connectionString));
        var newOwner = Committers.Create(NpgsqlDataSource.Create(connectionString));

        var results = await Task.WhenAll(
            oldOwner.CommitAsync([Batch(0, 0, 600)], default),
            newOwner.CommitAsync([Batch(0, 0, 400), Batch(0, 400, 900)], default));

        Assert.Equal(900L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(900L, await Count("SELECT count(DISTINCT kafka_offset) FROM user_events"));
        Assert.Equal(900, (await checkpoints.ReadAsync("t", 0, default))?.NextOffset);
        Assert.Contains(results.SelectMany(r => r), o => o.Status == BatchCommitStatus.AlreadyStored);
    }

    [Fact]
    public async Task A_dead_letter_PostgreSQL_refuses_fails_the_flush_and_stores_nothing()
    {
        await checkpoints.PinAsync("t", 0, 0, null, default);
        await checkpoints.PinAsync("t", 1, 0, null, default);
        await PostgresServer.ExecuteAsync(connectionString, "ALTER TABLE user_events_rejected ADD CONSTRAINT no_bad CHECK (reason <> 'bad')");

        await Assert.ThrowsAsync<DeadLetterRefusedException>(() => committer.CommitAsync([Batch(0, 0, 10), Batch(1, 0, 10, rejectAt: [5])], default));

        Assert.Equal(0L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(0, (await checkpoints.ReadAsync("t", 0, default))?.NextOffset);
        Assert.Equal(0, (await checkpoints.ReadAsync("t", 1, default))?.NextOffset);
    }

    [Fact]
    public async Task Counters_and_ledger_move_with_the_rows_and_equal_what_SQL_counts()
    {
        await checkpoints.PinAsync("t", 0, 0, null, default);
        await checkpoints.PinAsync("t", 1, 100, null, default);
        var concurrent = Committers.Create(NpgsqlDataSource.Create(connectionString));

        // Two silos' flushes at once, redeliveries and a trimmed overlap: the counters count what is stored, once.
        await Task.WhenAll(
            committer.CommitAsync([Batch(0, 0, 300, rejectAt: [7, 8]), Batch(1, 100, 150)], default),
            concurrent.CommitAsync([Batch(0, 0, 200, rejectAt: [7, 8]), Batch(0, 200, 400)], default));
        await committer.CommitAsync([Batch(0, 0, 300, rejectAt: [7, 8]), Batch(1, 150, 160, rejectAt: [155])], default);

        Assert.Equal(await Count("SELECT count(*) FROM user_events"), await Count("SELECT sum(events) FROM event_type_counts"));
        Assert.Equal(await Count("SELECT count(*) FROM user_events_rejected"), await Count("SELECT sum(rejected) FROM rejected_counts"));
        Assert.Equal(await Count("SELECT count(*) FROM user_events"), await Count("SELECT sum(events) FROM ingest_minutes"));
        Assert.Equal(0L, await Count("""
            SELECT count(*) FROM (SELECT kafka_partition, event_type, count(*) AS n, min(event_timestamp) AS f, max(event_timestamp) AS l FROM user_events GROUP BY 1, 2) s
            FULL JOIN (SELECT kafka_partition, event_type, sum(events) AS n, min(first_event) AS f, max(last_event) AS l FROM event_type_counts GROUP BY 1, 2) c USING (kafka_partition, event_type)
            WHERE s.n IS DISTINCT FROM c.n OR s.f IS DISTINCT FROM c.f OR s.l IS DISTINCT FROM c.l
            """));
        // The ledger chains from the pinned start to the checkpoint, and each range holds its length in rows.
        Assert.Equal(0L, await Count("""
            SELECT count(*) FROM (
                SELECT partition, from_offset, to_offset, events + rejected AS stored,
                       lag(to_offset) OVER (PARTITION BY partition ORDER BY from_offset) AS previous_end
                FROM kafka_commit_ledger) l
            JOIN kafka_checkpoints c USING (partition)
            WHERE stored <> to_offset - from_offset OR coalesce(previous_end, c.start_offset) <> from_offset
            """));
        Assert.Equal(0L, await Count("""
            SELECT count(*) FROM kafka_checkpoints c
            WHERE next_offset <> (SELECT max(to_offset) FROM kafka_commit_ledger l WHERE l.partition = c.partition)
            """));
        Assert.Equal(await Count("SELECT count(*) FROM user_events WHERE kafka_partition = 0"), await Count("SELECT sum(events) FROM kafka_commit_ledger WHERE partition = 0"));
    }

    [Fact]
    public async Task A_batch_of_an_older_log_generation_than_the_checkpoint_stores_nothing()
    {
        await checkpoints.PinAsync("t", 0, 0, null, default);
        await committer.CommitAsync([Batch(0, 0, 50)], default);
        await PostgresServer.ExecuteAsync(connectionString, "UPDATE kafka_checkpoints SET next_offset = 10, log_generation = 1 WHERE partition = 0");

        var stale = await committer.CommitAsync([Batch(0, 10, 60)], default);
        var fresh = await committer.CommitAsync([Batch(0, 10, 20) with { LogGeneration = 1 }], default);

        Assert.Equal(BatchCommitStatus.AlreadyStored, stale[0].Status);
        Assert.Equal(BatchCommitStatus.Committed, fresh[0].Status);
        Assert.Equal(10L, await Count("SELECT count(*) FROM user_events WHERE kafka_log_generation = 1 AND kafka_offset BETWEEN 10 AND 19"));
        Assert.Equal(1L, await Count("SELECT count(*) FROM kafka_commit_ledger WHERE log_generation = 1 AND from_offset = 10 AND to_offset = 20"));
    }

    private Task<long> Count(string sql) => PostgresServer.ScalarAsync<long>(connectionString, sql);
}
