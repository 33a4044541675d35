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
        Assert.Equal(100, await checkpoints.PinAsync("t", 0, 100, default));
        Assert.Equal(100, await checkpoints.PinAsync("t", 0, 500, default));
        Assert.Equal(100, await checkpoints.ReadAsync("t", 0, default));
    }

    [Fact]
    public async Task Stores_events_dead_letters_and_checkpoint_in_one_commit_with_ms_timestamps()
    {
        await checkpoints.PinAsync("t", 3, 0, default);

        var outcomes = await committer.CommitAsync([Batch(3, 0, 10, rejectAt: [4])], default);

        Assert.Equal(new BatchCommitOutcome(BatchCommitStatus.Committed, 10, 9, 1), outcomes[0]);
        Assert.Equal(9L, await Count("SELECT count(*) FROM user_events WHERE kafka_partition = 3"));
        Assert.Equal(1L, await Count("SELECT count(*) FROM user_events_rejected WHERE kafka_partition = 3 AND kafka_offset = 4 AND raw_value = '\\x0203'::bytea AND reason = 'bad'"));
        Assert.Equal(10, await checkpoints.ReadAsync("t", 3, default));
        var eventTime = await PostgresServer.ScalarAsync<DateTime>(connectionString, "SELECT event_timestamp FROM user_events WHERE kafka_offset = 0");
        Assert.Equal(new DateTime(2023, 11, 29, 5, 9, 27, 890, DateTimeKind.Utc), eventTime.ToUniversalTime());
    }

    [Fact]
    public async Task A_batch_delivered_twice_is_stored_once()
    {
        await checkpoints.PinAsync("t", 0, 0, default);
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
        await checkpoints.PinAsync("t", 0, 0, default);

        var outcome = await committer.CommitAsync([Batch(0, 10, 20)], default);

        Assert.Equal(BatchCommitStatus.Gap, outcome[0].Status);
        Assert.Equal(0L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(0, await checkpoints.ReadAsync("t", 0, default));
    }

    [Fact]
    public async Task Two_silos_flushing_overlapping_ranges_at_once_store_every_offset_once()
    {
        // The old owner of a partition flushes [0, 600) while the new owner flushes [0, 400) and [400, 900).
        await checkpoints.PinAsync("t", 0, 0, default);
        var oldOwner = Committers.Create(NpgsqlDataSource.Create(connectionString));
        var newOwner = Committers.Create(NpgsqlDataSource.Create(connectionString));

        var results = await Task.WhenAll(
            oldOwner.CommitAsync([Batch(0, 0, 600)], default),
            newOwner.CommitAsync([Batch(0, 0, 400), Batch(0, 400, 900)], default));

        Assert.Equal(900L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(900L, await Count("SELECT count(DISTINCT kafka_offset) FROM user_events"));
        Assert.Equal(900, await checkpoints.ReadAsync("t", 0, default));
        Assert.Contains(results.SelectMany(r => r), o => o.Status == BatchCommitStatus.AlreadyStored);
    }

    [Fact]
    public async Task A_dead_letter_PostgreSQL_refuses_fails_the_flush_and_stores_nothing()
    {
        await checkpoints.PinAsync("t", 0, 0, default);
        await checkpoints.PinAsync("t", 1, 0, default);
        await PostgresServer.ExecuteAsync(connectionString, "ALTER TABLE user_events_rejected ADD CONSTRAINT no_bad CHECK (reason <> 'bad')");

        await Assert.ThrowsAsync<DeadLetterRefusedException>(() => committer.CommitAsync([Batch(0, 0, 10), Batch(1, 0, 10, rejectAt: [5])], default));

        Assert.Equal(0L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(0, await checkpoints.ReadAsync("t", 0, default));
        Assert.Equal(0, await checkpoints.ReadAsync("t", 1, default));
    }

    private Task<long> Count(string sql) => PostgresServer.ScalarAsync<long>(connectionString, sql);
}
