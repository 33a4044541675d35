using Microsoft.Extensions.Logging.Abstractions;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Telemetry;
using UserEvents.Orleans.Grains.Writing;
using UserEvents.Orleans.Tests.Infrastructure;
using static UserEvents.Orleans.Tests.Postgres.CommitPlanTests;

namespace UserEvents.Orleans.Tests.Writing;

/// <summary>When the writer flushes, and what goes into one transaction.</summary>
[Trait("Category", "Unit")]
public sealed class GroupCommitterTests
{
    private readonly IngestionMetrics metrics = new(TestMeterFactory.Create());

    [Fact]
    public async Task An_idle_writer_flushes_at_once_and_writes_arriving_during_a_flush_share_the_next_one()
    {
        var flushes = new List<int[]>();
        var firstFlushMayEnd = new TaskCompletionSource();
        var committer = Committer(async batches =>
        {
            lock (flushes)
            {
                flushes.Add(batches.Select(b => b.Partition).ToArray());
            }

            if (flushes.Count == 1)
            {
                await firstFlushMayEnd.Task;
            }
        });

        var first = committer.WriteAsync(Batch(0, 0, 10));
        await WaitUntilAsync(() => flushes.Count == 1);
        var second = committer.WriteAsync(Batch(1, 0, 10));
        var third = committer.WriteAsync(Batch(2, 0, 10));
        Assert.Single(flushes);
        firstFlushMayEnd.SetResult();
        await Task.WhenAll(first, second, third);

        Assert.Equal([[0], [1, 2]], flushes);
    }

    [Fact]
    public async Task Batches_written_together_are_committed_in_one_flush_with_one_outcome_each_in_order()
    {
        var flushes = new List<int>();
        var committer = Committer(batches =>
        {
            flushes.Add(batches.Count);
            return Task.CompletedTask;
        }, maxBufferedRecords: 5);

        var outcomes = await committer.WriteAsync([Batch(0, 0, 10), Batch(0, 10, 20), Batch(0, 20, 30)]);

        Assert.Equal([3], flushes);
        Assert.Equal([10L, 20L, 30L], outcomes.Select(o => o.Checkpoint));
    }

    private GroupCommitter Committer(Func<IReadOnlyList<UserEventBatch>, Task> onCommit, int maxBufferedRecords = 10_000) => new(
        async (batches, _) =>
        {
            await onCommit(batches);
            return batches.Select(b => new BatchCommitOutcome(BatchCommitStatus.Committed, b.ToOffset, b.Events.Length, b.Rejections.Length)).ToArray();
        },
        new GroupCommitOptions { MaxBufferedRecords = maxBufferedRecords, FlushInterval = TimeSpan.FromSeconds(30), MaxConcurrentFlushes = 2 },
        TimeProvider.System,
        NullLogger.Instance,
        metrics);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
