using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Events;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Tests.Postgres;

[Trait("Category", "Unit")]
public sealed class FlushRowsTests
{
    [Fact]
    public void The_rows_are_those_of_the_committed_batches_from_their_first_stored_record_in_plan_order()
    {
        // Partition 0 is trimmed to the offsets past its checkpoint, partition 1 is already stored (writes nothing),
        // partition 2 starts with events and holds two dead letters, partition 3 is plain.
        var batches = new[] { CommitPlanTests.Batch(0, 10, 20, rejectAt: [18]), CommitPlanTests.Batch(1, 0, 5), CommitPlanTests.Batch(2, 0, 6, rejectAt: [2, 3]), CommitPlanTests.Batch(3, 7, 9) };
        var checkpoints = new Dictionary<PartitionKey, KafkaCheckpoint>
        {
            [new("t", 0)] = new(15, 0),
            [new("t", 1)] = new(5, 0),
            [new("t", 2)] = new(0, 0),
            [new("t", 3)] = new(7, 0),
        };
        var plan = CommitPlan.Create(batches, checkpoints);

        var rows = FlushRows.Of(plan);

        var expectedEvents = Copied(plan, p => p.FirstEvent, p => p.EventsToWrite, (b, i) => new EventRow(b, batches[b].Partition, batches[b].Events[i]));
        var expectedDeadLetters = Copied(plan, p => p.FirstRejection, p => p.RejectionsToWrite, (b, i) => new DeadLetterRow(b, batches[b].Partition, batches[b].Rejections[i]));
        Assert.Equal([15, 16, 17, 19, 0, 1, 4, 5, 7, 8], rows.Events.Select(r => r.Event.Offset));
        Assert.Equal(expectedEvents, rows.Events);
        Assert.Equal(expectedEvents, Enumerable.Range(0, rows.Events.Count).Select(i => rows.Events[i]));
        Assert.Equal([18, 2, 3], rows.DeadLetters.Select(r => r.Record.Offset));
        Assert.Equal(expectedDeadLetters, Enumerable.Range(0, rows.DeadLetters.Count).Select(i => rows.DeadLetters[i]));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.Events[rows.Events.Count]);
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.Events[-1]);
    }

    [Fact]
    public void A_plan_that_writes_nothing_has_no_rows()
    {
        var plan = CommitPlan.Create([CommitPlanTests.Batch(0, 0, 5)], new Dictionary<PartitionKey, KafkaCheckpoint> { [new("t", 0)] = new(5, 0) });

        var rows = FlushRows.Of(plan);

        Assert.Empty(rows.Events);
        Assert.Empty(rows.DeadLetters);
    }

    private static List<TRow> Copied<TRow>(CommitPlan plan, Func<BatchPlan, int> first, Func<BatchPlan, int> count, Func<int, int, TRow> row)
    {
        var rows = new List<TRow>();
        for (var b = 0; b < plan.Batches.Count; b++)
        {
            for (var i = 0; i < count(plan.Batches[b]); i++)
            {
                rows.Add(row(b, first(plan.Batches[b]) + i));
            }
        }

        return rows;
    }
}
