using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Events;
using UserEvents.Orleans.Tests.Infrastructure;
using static UserEvents.Orleans.Tests.Postgres.CommitPlanTests;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>
/// A row PostgreSQL always refuses becomes a dead letter; everything flushed with it is stored, and the counters and the
/// ledger count it as the dead letter it became, never as the event it was (each compared with what SQL counts in the rows).
/// </summary>
public sealed class RefusedRowsTests : IAsyncLifetime
{
    private string connectionString = "";
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateMigratedDatabaseAsync("refused");
        dataSource = NpgsqlDataSource.Create(connectionString);
        var checkpoints = new PostgresCheckpointStore(dataSource);
        for (var partition = 0; partition < 3; partition++)
        {
            await checkpoints.PinAsync("t", partition, 0, null, default);
        }
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task One_event_among_3000_that_violates_a_check_constraint_becomes_a_dead_letter_and_the_rest_is_stored()
    {
        // Batch() gives each event user_id = offset and movie_id = partition: exactly one event has user_id 777 on partition 1.
        await PostgresServer.ExecuteAsync(connectionString, "ALTER TABLE user_events ADD CONSTRAINT no_777_on_1 CHECK (NOT (user_id = 777 AND movie_id = 1))");
        UserEventBatch[] batches = [.. Enumerable.Range(0, 3).SelectMany(p => new[] { Batch(p, 0, 500), Batch(p, 500, 1000, rejectAt: [900]) })];

        var outcomes = await Committers.Create(dataSource).CommitAsync(batches, default);

        Assert.All(outcomes, o => Assert.Equal(BatchCommitStatus.Committed, o.Status));
        Assert.Equal(2_996L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(2_996, outcomes.Sum(o => o.EventsWritten));
        Assert.Equal(4, outcomes.Sum(o => o.RejectionsWritten));
        Assert.Equal(0L, await Count("SELECT count(*) FROM user_events WHERE kafka_partition = 1 AND kafka_offset = 777"));
        var reason = await PostgresServer.ScalarAsync<string>(connectionString, "SELECT reason FROM user_events_rejected WHERE kafka_partition = 1 AND kafka_offset = 777");
        Assert.Contains("SQLSTATE 23514", reason, StringComparison.Ordinal);
        Assert.Contains("no_777_on_1", reason, StringComparison.Ordinal);
        var value = await PostgresServer.ScalarAsync<string>(connectionString, "SELECT convert_from(raw_value, 'UTF8') FROM user_events_rejected WHERE kafka_partition = 1 AND kafka_offset = 777");
        Assert.Contains("\"user_id\":777", value, StringComparison.Ordinal);
        Assert.Equal(3_000L, await Count("SELECT count(*) FROM (SELECT kafka_partition, kafka_offset FROM user_events UNION ALL SELECT kafka_partition, kafka_offset FROM user_events_rejected) r"));
        Assert.Equal(3L, await Count("SELECT count(*) FROM kafka_checkpoints WHERE next_offset = 1000"));
        await RowCounts.AssertBookkeepingEqualsRowsAsync(connectionString);
    }

    [Fact]
    public async Task A_refused_batch_flushed_again_is_already_stored()
    {
        await PostgresServer.ExecuteAsync(connectionString, "ALTER TABLE user_events ADD CONSTRAINT no_5 CHECK (user_id <> 5)");
        var committer = Committers.Create(dataSource);

        await committer.CommitAsync([Batch(0, 0, 10)], default);
        var again = await committer.CommitAsync([Batch(0, 0, 10)], default);

        Assert.Equal(BatchCommitStatus.AlreadyStored, again[0].Status);
        Assert.Equal(9L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(1L, await Count("SELECT count(*) FROM user_events_rejected"));
        await RowCounts.AssertBookkeepingEqualsRowsAsync(connectionString);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Errors_of_the_server_or_the_connection_are_not_taken_for_refused_rows()
    {
        Assert.False(PostgresErrors.IsCausedByTheRows(new PostgresException("x", "ERROR", "ERROR", PostgresErrorCodes.LockNotAvailable)));
        Assert.False(PostgresErrors.IsCausedByTheRows(new PostgresException("x", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure)));
        Assert.False(PostgresErrors.IsCausedByTheRows(new PostgresException("x", "FATAL", "FATAL", "25P03")));
        Assert.False(PostgresErrors.IsCausedByTheRows(new PostgresException("x", "ERROR", "ERROR", PostgresErrorCodes.InsufficientPrivilege)));
        Assert.True(PostgresErrors.IsCausedByTheRows(new PostgresException("x", "ERROR", "ERROR", PostgresErrorCodes.CheckViolation)));
        Assert.True(PostgresErrors.IsCausedByTheRows(new PostgresException("x", "ERROR", "ERROR", PostgresErrorCodes.UntranslatableCharacter)));
    }

    private Task<long> Count(string sql) => PostgresServer.ScalarAsync<long>(connectionString, sql);
}
