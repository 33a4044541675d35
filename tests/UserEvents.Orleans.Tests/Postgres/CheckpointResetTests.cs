using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Checkpoints;
using OrleansKafka.Streaming;
using UserEvents.Orleans.Tests.Infrastructure;
using static UserEvents.Orleans.Tests.Postgres.CommitPlanTests;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>The checkpoint store's resets against a real PostgreSQL: where the checkpoint goes, what is recorded.</summary>
public sealed class CheckpointResetTests : IAsyncLifetime
{
    private string connectionString = "";
    private NpgsqlDataSource dataSource = null!;
    private PostgresCheckpointStore checkpoints = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateMigratedDatabaseAsync("reset");
        dataSource = NpgsqlDataSource.Create(connectionString);
        checkpoints = new PostgresCheckpointStore(dataSource);
        await checkpoints.PinAsync("t", 0, 0, null, default);
        await Committers.Create(dataSource).CommitAsync([Batch(0, 0, 100, rejectAt: [50])], default);
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task Below_the_log_start_the_deleted_range_is_recorded_as_lost_and_the_ledger_stays_contiguous()
    {
        var reset = await checkpoints.ResetOutOfRangeAsync("t", 0, 250, 400, null, null, default);

        Assert.Equal(new KafkaCheckpoint(250, 0), reset.Current);
        Assert.Equal(1L, await Count("SELECT count(*) FROM kafka_commit_ledger WHERE kind = 'lost' AND from_offset = 100 AND to_offset = 250 AND log_generation = 0"));
        Assert.Equal(1L, await Count("SELECT count(*) FROM kafka_offset_resets WHERE kind = 'retention' AND from_offset = 100 AND to_offset = 250"));
    }

    [Theory]
    [InlineData(39, true)]
    [InlineData(50, true)]
    [InlineData(39, false)]
    [InlineData(50, false)]
    public async Task Beyond_the_log_end_the_logs_last_record_tells_a_lost_tail_from_a_new_log(long lastOffset, bool same)
    {
        // The log now ends at lastOffset + 1; its last record is the stored one (an event at 39, a dead letter at 50) or another.
        var stored = Batch(0, lastOffset, lastOffset + 1, rejectAt: lastOffset == 50 ? [50] : null);
        var probe = same ? stored : stored with
        {
            Events = [.. stored.Events.Select(e => e with { UserId = e.UserId + 1 })],
            Rejections = [.. stored.Rejections.Select(r => r with { Value = [9, 9] })],
        };

        var reset = await checkpoints.ResetOutOfRangeAsync("t", 0, 0, lastOffset + 1, null, new KafkaLogProbe(lastOffset, probe), default);

        Assert.Equal(same ? new KafkaCheckpoint(lastOffset + 1, 1) : new KafkaCheckpoint(0, 1), reset.Current);
        Assert.Equal(1L, await Count($"SELECT count(*) FROM kafka_offset_resets WHERE kind = '{(same ? "truncated" : "new-log")}' AND from_generation = 0 AND to_generation = 1"));
        // The next generation's rows go in beside the old ones, under their own generation.
        var next = Batch(0, reset.Current.NextOffset, reset.Current.NextOffset + 10) with { LogGeneration = 1 };
        Assert.Equal(BatchCommitStatus.Committed, (await Committers.Create(dataSource).CommitAsync([next], default))[0].Status);
        Assert.Equal(10L, await Count("SELECT count(*) FROM user_events WHERE kafka_log_generation = 1"));
    }

    [Fact]
    public async Task A_checkpoint_inside_the_log_is_left_alone()
    {
        var reset = await checkpoints.ResetOutOfRangeAsync("t", 0, 0, 100, null, null, default);

        Assert.False(reset.Changed);
        Assert.Equal(0L, await Count("SELECT count(*) FROM kafka_offset_resets"));
    }

    private Task<long> Count(string sql) => PostgresServer.ScalarAsync<long>(connectionString, sql);
}
