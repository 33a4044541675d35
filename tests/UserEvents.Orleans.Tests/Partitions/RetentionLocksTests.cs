using System.Diagnostics;
using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Tests.Postgres;

namespace UserEvents.Orleans.Tests.Partitions;

/// <summary>
/// The two waits docs/ARCHITECTURE.md ("Partitions and retention") promises around retention: one silo at a time runs a
/// maintenance pass (the others skip theirs), and a retire that cannot get the parent's lock gives up after
/// lock_timeout = 500 ms, so a flush queued behind its DETACH goes through instead of waiting for the long reader.
/// </summary>
public sealed class RetentionLocksTests
{
    /// <summary>Generous against the 500 ms lock_timeout on a shared machine, and below the writer's own 5 s lock timeout.</summary>
    private static readonly TimeSpan FlushBound = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task While_one_pass_runs_a_second_pass_skips_and_drops_nothing_then_the_first_drops_the_expired_day()
    {
        await using var database = await PartitionedDatabase.CreateAsync();
        await using var first = NpgsqlDataSource.Create(database.OwnerConnectionString);
        await using var second = NpgsqlDataSource.Create(database.OwnerConnectionString);
        await PartitionedDatabase.Maintenance(first, retention: null).RunAsync(CancellationToken.None);
        var old = $"user_events_p{database.HistoryStart:yyyyMMdd}t0000";
        await database.StoreAsync(database.HistoryStart.AddHours(2), 100);

        // Holds the first pass inside its work: event_partitions_ensure takes this advisory lock for the registry.
        await using var blocker = new NpgsqlConnection(database.OwnerConnectionString);
        await blocker.OpenAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('event_partitions:user_events'))", blocker))
        {
            await hold.ExecuteNonQueryAsync();
        }

        var running = PartitionedDatabase.Maintenance(first, TimeSpan.FromDays(1)).RunAsync(CancellationToken.None);
        await WaitUntilAsync(async () => await database.CountAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0, "the first pass waiting inside its work");

        var skipped = await PartitionedDatabase.Maintenance(second, TimeSpan.FromDays(1)).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.False(skipped.Ran);
        Assert.Empty(skipped.Dropped);
        Assert.False(running.IsCompleted);
        Assert.Equal(1, await database.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = '{old}'"));

        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", blocker))
        {
            await release.ExecuteNonQueryAsync();
        }

        var report = await running.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(report.Ran);
        Assert.Contains(report.Dropped, d => d.Partition == old);
        Assert.Equal(0, await database.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = '{old}'"));
        await database.AssertCountersEqualRowsAsync();
    }

    [Fact]
    public async Task A_flush_queued_behind_a_detach_that_cannot_get_its_lock_goes_through_within_the_bound_and_the_day_waits_for_the_next_pass()
    {
        await using var database = await PartitionedDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.OwnerConnectionString);
        await PartitionedDatabase.Maintenance(dataSource, retention: null).RunAsync(CancellationToken.None);
        var old = $"user_events_p{database.HistoryStart:yyyyMMdd}t0000";
        await database.StoreAsync(database.HistoryStart.AddHours(2), 100);
        await new PostgresCheckpointStore(dataSource).PinAsync("hot", 0, 0, null, default);

        // A long reader (a report, verify --deep) holds ACCESS SHARE on user_events for the whole test.
        await using var reader = new NpgsqlConnection(database.OwnerConnectionString);
        await reader.OpenAsync();
        await using var readerTransaction = await reader.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM user_events", reader, readerTransaction))
        {
            await read.ExecuteScalarAsync();
        }

        using var stop = new CancellationTokenSource();
        var flushes = Task.Run(() => FlushUntilAsync(dataSource, stop.Token));
        await Task.Delay(300);
        var pass = PartitionedDatabase.Maintenance(dataSource, TimeSpan.FromDays(1)).RunAsync(CancellationToken.None);
        var flushQueued = false;
        while (!pass.IsCompleted)
        {
            flushQueued |= await database.CountAsync("SELECT count(*) FROM pg_locks WHERE relation = 'user_events'::regclass AND mode = 'RowExclusiveLock' AND NOT granted") > 0;
            await Task.Delay(10);
        }

        var report = await pass;
        await Task.Delay(300);
        await stop.CancelAsync();
        var durations = await flushes;
        await readerTransaction.CommitAsync();

        Assert.True(flushQueued, "no flush was seen queued behind the DETACH: the test did not test the wait");
        Assert.False(report.Complete);
        Assert.DoesNotContain(report.Dropped, d => d.Parent == PartitionParents.Events);
        Assert.Equal(1, await database.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = '{old}'"));
        Assert.True(durations.Max() < FlushBound, $"longest flush {durations.Max().TotalMilliseconds:F0} ms, bound {FlushBound.TotalMilliseconds:F0} ms");
        Assert.Equal(100 + (durations.Count * 100L), await database.CountAsync("SELECT count(*) FROM user_events"));
    }

    /// <summary>Flushes of 100 events through the product's committer, one after the other, until cancelled; each one's duration.</summary>
    private static async Task<List<TimeSpan>> FlushUntilAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var committer = Committers.Create(dataSource);
        var durations = new List<TimeSpan>();
        for (long from = 0; !cancellationToken.IsCancellationRequested; from += 100)
        {
            var watch = Stopwatch.StartNew();
            var outcome = await committer.CommitAsync([CommitPlanTests.Batch(0, from, from + 100, topic: "hot")], CancellationToken.None);
            durations.Add(watch.Elapsed);
            Assert.Equal(BatchCommitStatus.Committed, outcome[0].Status);
        }

        return durations;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not seen within 30 s: {what}");
            await Task.Delay(20);
        }
    }
}
