using Microsoft.Extensions.Logging.Abstractions;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Telemetry;
using UserEvents.Orleans.Grains.Writing;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>The writer's metrics as <see cref="GroupCommitter"/> records them around a commit function of our own.</summary>
[Trait("Category", "Unit")]
public sealed class IngestionMetricsTests : IDisposable
{
    private readonly System.Diagnostics.Metrics.IMeterFactory meters = TestMeterFactory.Create();
    private readonly RecordedMeasurements recorded;
    private readonly IngestionMetrics metrics;

    public IngestionMetricsTests()
    {
        recorded = new RecordedMeasurements(meters);
        metrics = new IngestionMetrics(meters);
    }

    public void Dispose()
    {
        recorded.Dispose();
        meters.Dispose();
    }

    [Fact]
    public async Task A_flush_counts_what_each_batch_wrote_by_partition_and_records_its_size_duration_and_latency_once()
    {
        var newest = DateTimeOffset.UtcNow.AddSeconds(-3);
        var committed = Batch(partition: 1, events: 3, rejections: 1, newest);
        var alreadyStored = Batch(partition: 2, events: 5, rejections: 0, newest);
        var committer = new GroupCommitter(
            (batches, _) => Task.FromResult(batches.Select(b => b.Partition == 1
                ? new BatchCommitOutcome(BatchCommitStatus.Committed, b.ToOffset, b.Events.Length, b.Rejections.Length)
                : new BatchCommitOutcome(BatchCommitStatus.AlreadyStored, b.ToOffset + 10, 0, 0)).ToArray()),
            new GroupCommitOptions { MaxBufferedRecords = 9, FlushInterval = TimeSpan.FromSeconds(5) },
            TimeProvider.System,
            NullLogger.Instance,
            metrics);

        await committer.WriteAsync([committed, alreadyStored]);

        var stored = Assert.Single(recorded.Of("user_events.stored"));
        Assert.Equal(3, stored.Value);
        Assert.Equal(1, stored.Tags["partition"]);
        var rejected = Assert.Single(recorded.Of("user_events.rejected"));
        Assert.Equal(1, rejected.Value);
        Assert.Equal(9, Assert.Single(recorded.Of("user_events.flush.size")).Value);
        var duration = Assert.Single(recorded.Of("user_events.flush.duration"));
        Assert.Equal("committed", duration.Tags["outcome"]);
        Assert.InRange(Assert.Single(recorded.Of("user_events.end_to_end.latency")).Value, 3, 30);
    }

    [Fact]
    public async Task A_flush_that_fails_records_its_duration_as_failed_and_counts_nothing()
    {
        var committer = new GroupCommitter(
            (_, _) => Task.FromException<BatchCommitOutcome[]>(new InvalidOperationException("database down")),
            new GroupCommitOptions { MaxBufferedRecords = 1, RetryAttempts = 0 },
            TimeProvider.System,
            NullLogger.Instance,
            metrics);

        await Assert.ThrowsAsync<InvalidOperationException>(() => committer.WriteAsync(Batch(0, 2, 0, DateTimeOffset.UtcNow)));

        Assert.Equal("failed", Assert.Single(recorded.Of("user_events.flush.duration")).Tags["outcome"]);
        Assert.Empty(recorded.Of("user_events.stored"));
        Assert.Empty(recorded.Of("user_events.flush.size"));
        Assert.Empty(recorded.Of("user_events.end_to_end.latency"));
    }

    private static UserEventBatch Batch(int partition, int events, int rejections, DateTimeOffset newest) => new(
        "user-events",
        partition,
        0,
        events + rejections,
        Enumerable.Range(0, events).Select(i => new UserEvent(1, 2, "click", 1701234567890, i)).ToArray(),
        Enumerable.Range(events, rejections).Select(i => new RejectedRecord(i, null, [1], "bad")).ToArray(),
        newest);
}
