using System.Diagnostics;
using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Events;
using UserEvents.Orleans.Tests.Infrastructure;
using static UserEvents.Orleans.Tests.Postgres.CommitPlanTests;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>
/// A silo frozen inside a flush (SIGSTOP, VM pause) must not hold the checkpoint rows for long: its client stops sending
/// (a proxy that stops forwarding plays the frozen process), another silo's flush of the same partition gets through
/// within the bound, and when the frozen one wakes it writes nothing twice.
/// </summary>
public sealed class FrozenWriterSessionTests : IAsyncLifetime
{
    private static readonly PostgresFlushOptions ShortBounds = new() { IdleInTransactionTimeout = TimeSpan.FromSeconds(3), LockTimeout = TimeSpan.FromSeconds(1) };

    private string connectionString = "";
    private NpgsqlDataSource direct = null!;
    private NpgsqlDataSource throughProxy = null!;
    private FreezingTcpProxy proxy = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateMigratedDatabaseAsync("frozen");
        var server = new NpgsqlConnectionStringBuilder(connectionString);
        proxy = FreezingTcpProxy.Start(server.Host!, server.Port);
        direct = NpgsqlDataSource.Create(connectionString);
        throughProxy = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = proxy.Port, Pooling = false }.ConnectionString);
        await new PostgresCheckpointStore(direct).PinAsync("t", 0, 0, null, default);
    }

    public async Task DisposeAsync()
    {
        await proxy.DisposeAsync();
        await throughProxy.DisposeAsync();
        await direct.DisposeAsync();
    }

    [Fact]
    public async Task A_writer_frozen_in_the_middle_of_its_copy_holds_no_checkpoint_lock_and_its_late_commit_writes_nothing_twice()
    {
        proxy.FreezeWhenClientSends("COPY user_events", forwardIt: true);
        var frozenFlush = Committers.Create(throughProxy, ShortBounds).CommitAsync([Batch(0, 0, 20_000)], default);
        await proxy.Frozen.WaitAsync(TimeSpan.FromSeconds(30));

        var other = Committers.Create(direct, ShortBounds).CommitAsync([Batch(0, 0, 500)], default);

        Assert.Same(other, await Task.WhenAny(other, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(500, (await other)[0].Checkpoint);
        proxy.Thaw();
        var late = await frozenFlush.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(20_000, late[0].Checkpoint);
        Assert.Equal(19_500, late[0].EventsWritten);
        Assert.Equal(20_000L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(20_000L, await Count("SELECT count(DISTINCT kafka_offset) FROM user_events"));
    }

    [Fact]
    public async Task A_writer_frozen_while_it_holds_the_checkpoint_locks_is_ended_by_the_server_and_its_late_commit_fails_cleanly()
    {
        proxy.FreezeWhenClientSends("UPDATE kafka_checkpoints", forwardIt: false);
        var frozenFlush = Committers.Create(throughProxy, ShortBounds).CommitAsync([Batch(0, 0, 100)], default);
        await proxy.Frozen.WaitAsync(TimeSpan.FromSeconds(30));
        var frozenAt = Stopwatch.StartNew();
        Assert.Equal(1L, await Count("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'kafka_checkpoints' AND l.mode = 'RowShareLock' AND l.pid <> pg_backend_pid()"));

        var other = Committers.Create(direct, ShortBounds);
        var waited = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => other.CommitAsync([Batch(0, 0, 50)], default));
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, refused.SqlState);
        Assert.InRange(waited.Elapsed, TimeSpan.Zero, ShortBounds.LockTimeout * 3);

        BatchCommitOutcome[]? stored = null;
        while (stored is null && frozenAt.Elapsed < ShortBounds.IdleInTransactionTimeout + TimeSpan.FromSeconds(10))
        {
            try
            {
                stored = await other.CommitAsync([Batch(0, 0, 50)], default);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
            }
        }

        Assert.NotNull(stored);
        Assert.Equal(50, stored[0].Checkpoint);
        proxy.Thaw();
        await Assert.ThrowsAnyAsync<Exception>(() => frozenFlush.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(50L, await Count("SELECT count(*) FROM user_events"));
        Assert.Equal(50L, await PostgresServer.ScalarAsync<long>(connectionString, "SELECT next_offset FROM kafka_checkpoints WHERE partition = 0"));
    }

    private Task<long> Count(string sql) => PostgresServer.ScalarAsync<long>(connectionString, sql);
}
