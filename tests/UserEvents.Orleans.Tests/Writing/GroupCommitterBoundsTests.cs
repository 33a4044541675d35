using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Telemetry;
using UserEvents.Orleans.Grains.Writing;
using UserEvents.Orleans.Tests.Infrastructure;
using static UserEvents.Orleans.Tests.Postgres.CommitPlanTests;

namespace UserEvents.Orleans.Tests.Writing;

/// <summary>
/// The writer's timing, concurrency, failure, cancellation and buffer bounds on a fake clock: each commit waits until
/// the test lets it end, so what is in which flush is decided by the test, not by the machine's speed.
/// </summary>
[Trait("Category", "Unit")]
public sealed class GroupCommitterBoundsTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    private readonly FakeTimeProvider time = new();
    private readonly IngestionMetrics metrics = new(TestMeterFactory.Create());
    private readonly List<Flush> flushes = [];

    [Fact]
    public async Task Writes_arriving_during_a_flush_start_the_next_one_when_the_interval_has_passed()
    {
        var committer = Committer();
        var first = committer.WriteAsync(Batch(0, 0, 10));
        await UntilAsync(() => Flushes == 1);
        var second = committer.WriteAsync(Batch(1, 0, 10));
        Assert.Equal(1, Flushes);

        time.Advance(Interval);

        await UntilAsync(() => Flushes == 2);
        Assert.Equal([1], FlushAt(1).Partitions);
        EndAll();
        await Task.WhenAll(first, second);
    }

    [Fact]
    public async Task No_more_flushes_run_at_once_than_allowed()
    {
        var committer = Committer(maxConcurrentFlushes: 2);
        var writes = new List<Task<BatchCommitOutcome>> { committer.WriteAsync(Batch(0, 0, 10)) };
        await UntilAsync(() => Flushes == 1);
        writes.Add(committer.WriteAsync(Batch(1, 0, 10)));
        time.Advance(Interval);
        await UntilAsync(() => Flushes == 2);
        writes.Add(committer.WriteAsync(Batch(2, 0, 10)));
        time.Advance(Interval * 4);
        await Task.Delay(50);
        Assert.Equal(2, Flushes);

        FlushAt(0).End();
        await UntilAsync(() =>
        {
            time.Advance(Interval);
            return Flushes == 3;
        });
        Assert.Equal([2], FlushAt(2).Partitions);
        EndAll();
        await Task.WhenAll(writes);
    }

    [Fact]
    public async Task A_flush_that_fails_every_retry_fails_every_caller_in_it()
    {
        var committer = Committer(maxConcurrentFlushes: 1, retryAttempts: 2, fail: true);
        var first = committer.WriteAsync(Batch(0, 0, 10));
        await UntilAsync(() => Flushes == 1);
        var second = committer.WriteAsync(Batch(1, 0, 10));
        var third = committer.WriteAsync(Batch(2, 0, 10));

        while (!(first.IsCompleted && second.IsCompleted && third.IsCompleted))
        {
            EndAll();
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(5);
        }

        Assert.All(new[] { first, second, third }, t => Assert.True(t.IsFaulted));
        Assert.Equal(6, Flushes); // two flushes (0; then 1 and 2 together), each tried 1 + 2 times
        Assert.Equal([1, 2], FlushAt(3).Partitions);
    }

    [Fact]
    public async Task A_write_whose_caller_gave_up_before_its_flush_is_never_flushed()
    {
        var committer = Committer();
        var first = committer.WriteAsync(Batch(0, 0, 10));
        await UntilAsync(() => Flushes == 1);
        using var abandoned = new CancellationTokenSource();
        var given_up = committer.WriteAsync([Batch(1, 0, 10)], abandoned.Token);
        var kept = committer.WriteAsync(Batch(2, 0, 10));

        await abandoned.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => given_up);
        Assert.Equal((1, 10), committer.Buffered);
        EndAll();
        time.Advance(Interval);
        await UntilAsync(() => Flushes == 2);
        EndAll();
        await Task.WhenAll(first, kept);
        Assert.DoesNotContain(flushes.SelectMany(f => f.Partitions), p => p == 1);
    }

    [Fact]
    public async Task A_write_inside_a_running_flush_completes_with_it_even_when_its_caller_gives_up()
    {
        var committer = Committer();
        using var caller = new CancellationTokenSource();
        var write = committer.WriteAsync([Batch(0, 0, 10)], caller.Token);
        await UntilAsync(() => Flushes == 1);

        await caller.CancelAsync();
        EndAll();

        Assert.Equal(10, (await write)[0].Checkpoint);
    }

    [Fact]
    public async Task A_full_buffer_makes_the_caller_wait_until_a_flush_makes_room_and_then_stores_its_write()
    {
        var committer = Committer(maxBufferedRecords: 10, bufferLimitRecords: 10);
        var first = committer.WriteAsync(Batch(0, 0, 10));
        await UntilAsync(() => Flushes == 1);

        var waiting = committer.WriteAsync(Batch(1, 0, 10));
        time.Advance(Interval * 4);
        await Task.Delay(50);

        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, committer.WaitingForRoom);
        Assert.Equal(1, Flushes);
        FlushAt(0).End();
        await UntilAsync(() => Flushes == 2);
        Assert.Equal(0, committer.WaitingForRoom);
        EndAll();
        Assert.Equal(10, (await waiting).Checkpoint);
        await first;
    }

    [Fact]
    public async Task The_buffer_bound_in_bytes_counts_dead_letters_by_their_size()
    {
        var committer = Committer(bufferLimitBytes: 1024 * 1024);
        var big = new UserEventBatch("t", 0, 0, 1, [], [new RejectedRecord(0, null, new byte[600 * 1024], "oversized")], DateTimeOffset.UnixEpoch);
        var first = committer.WriteAsync(big);
        await UntilAsync(() => Flushes == 1);

        var second = committer.WriteAsync(big with { Partition = 1 });

        Assert.Equal(1, committer.WaitingForRoom);
        FlushAt(0).End();
        await UntilAsync(() => Flushes == 2);
        EndAll();
        await Task.WhenAll(first, second);
    }

    private int Flushes
    {
        get
        {
            lock (flushes)
            {
                return flushes.Count;
            }
        }
    }

    private Flush FlushAt(int index)
    {
        lock (flushes)
        {
            return flushes[index];
        }
    }

    private void EndAll()
    {
        lock (flushes)
        {
            flushes.ForEach(f => f.End());
        }
    }

    private GroupCommitter Committer(
        int maxBufferedRecords = 10_000, int bufferLimitRecords = 50_000, long bufferLimitBytes = 64L * 1024 * 1024, int maxConcurrentFlushes = 2, int retryAttempts = 0, bool fail = false) => new(
        async (batches, _) =>
        {
            var flush = new Flush([.. batches.Select(b => b.Partition)]);
            lock (flushes)
            {
                flushes.Add(flush);
            }

            await flush.Ended;
            return fail
                ? throw new InvalidOperationException("PostgreSQL said no")
                : batches.Select(b => new BatchCommitOutcome(BatchCommitStatus.Committed, b.ToOffset, b.Events.Length, b.Rejections.Length)).ToArray();
        },
        new GroupCommitOptions
        {
            MaxBufferedRecords = maxBufferedRecords,
            BufferLimitRecords = bufferLimitRecords,
            BufferLimitBytes = bufferLimitBytes,
            FlushInterval = Interval,
            MaxConcurrentFlushes = maxConcurrentFlushes,
            RetryAttempts = retryAttempts,
        },
        time,
        NullLogger.Instance,
        metrics);

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class Flush(int[] partitions)
    {
        private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int[] Partitions { get; } = partitions;

        public Task Ended => ended.Task;

        public void End() => ended.TrySetResult();
    }
}
