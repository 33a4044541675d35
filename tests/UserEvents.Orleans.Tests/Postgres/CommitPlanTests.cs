using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Events;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Tests.Postgres;

[Trait("Category", "Unit")]
public sealed class CommitPlanTests
{
    private static readonly PartitionKey P0 = new("t", 0);

    [Fact]
    public void Commits_a_batch_that_starts_at_the_checkpoint_and_moves_it_to_the_end()
    {
        var plan = CommitPlan.Create([Batch(0, 10, 20)], new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new KafkaCheckpoint(10, 0) });

        Assert.Equal(new BatchCommitOutcome(BatchCommitStatus.Committed, 20, 10, 0), plan.Batches[0].ToOutcome());
        Assert.Equal(20, plan.NewCheckpoints[P0]);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(25)]
    public void A_checkpoint_at_or_past_the_end_means_already_stored(long checkpoint)
    {
        var plan = CommitPlan.Create([Batch(0, 10, 20)], new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new KafkaCheckpoint(checkpoint, 0) });

        Assert.Equal(new BatchCommitOutcome(BatchCommitStatus.AlreadyStored, checkpoint, 0, 0), plan.Batches[0].ToOutcome());
        Assert.Empty(plan.NewCheckpoints);
    }

    [Fact]
    public void A_checkpoint_before_the_start_is_a_gap_and_writes_nothing()
    {
        var plan = CommitPlan.Create([Batch(0, 10, 20)], new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new KafkaCheckpoint(5, 0) });

        Assert.Equal(new BatchCommitOutcome(BatchCommitStatus.Gap, 5, 0, 0), plan.Batches[0].ToOutcome());
        Assert.Empty(plan.NewCheckpoints);
    }

    [Fact]
    public void A_missing_checkpoint_is_a_gap()
    {
        var plan = CommitPlan.Create([Batch(0, 0, 5)], new Dictionary<PartitionKey, KafkaCheckpoint>());

        Assert.Equal(BatchCommitStatus.Gap, plan.Batches[0].Status);
    }

    [Fact]
    public void A_batch_overlapping_the_checkpoint_is_trimmed_to_the_records_past_it()
    {
        var plan = CommitPlan.Create([Batch(0, 10, 20, rejectAt: [12, 17])], new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new KafkaCheckpoint(15, 0) });

        var batch = plan.Batches[0];
        Assert.Equal(BatchCommitStatus.Committed, batch.Status);
        Assert.Equal(4, batch.EventsToWrite);
        Assert.Equal(1, batch.RejectionsToWrite);
        Assert.Equal(15, batch.Batch.Events[batch.FirstEvent].Offset);
        Assert.Equal(17, batch.Batch.Rejections[batch.FirstRejection].Offset);
        Assert.Equal(20, plan.NewCheckpoints[P0]);
    }

    [Fact]
    public void Consecutive_batches_and_a_duplicate_in_one_group_chain_through_the_running_checkpoint()
    {
        var first = Batch(0, 0, 10);
        var second = Batch(0, 10, 20);
        var plan = CommitPlan.Create([second, first, first, Batch(1, 0, 3)], new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new KafkaCheckpoint(0, 0), [new("t", 1)] = new KafkaCheckpoint(0, 0) });

        Assert.Equal(BatchCommitStatus.Committed, plan.Batches[0].Status);
        Assert.Equal(BatchCommitStatus.Committed, plan.Batches[1].Status);
        Assert.Equal(BatchCommitStatus.AlreadyStored, plan.Batches[2].Status);
        Assert.Equal(BatchCommitStatus.Committed, plan.Batches[3].Status);
        Assert.Equal(20, plan.NewCheckpoints[P0]);
        Assert.Equal(3, plan.NewCheckpoints[new("t", 1)]);
    }

    [Fact]
    public void A_batch_of_an_older_log_generation_is_already_stored_whatever_its_offsets()
    {
        // After a reset to a new generation, offsets 10..20 are new records; a late batch of the old log with the same
        // offsets must not be stored again (nor in place of them).
        var plan = CommitPlan.Create([Batch(0, 10, 20) with { LogGeneration = 0 }], new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new(10, 1) });

        Assert.Equal(BatchCommitStatus.AlreadyStored, plan.Batches[0].Status);
        Assert.Empty(plan.NewCheckpoints);
    }

    [Fact]
    public void A_batch_of_a_newer_log_generation_than_the_checkpoint_is_a_gap()
    {
        var plan = CommitPlan.Create([Batch(0, 10, 20) with { LogGeneration = 2 }], new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new(10, 1) });

        Assert.Equal(BatchCommitStatus.Gap, plan.Batches[0].Status);
        Assert.Empty(plan.NewCheckpoints);
    }

    [Fact]
    public void A_move_names_its_generation_and_the_range_from_the_stored_checkpoint()
    {
        var plan = CommitPlan.Create(
            [Batch(0, 10, 20) with { LogGeneration = 1 }, Batch(0, 20, 30) with { LogGeneration = 1 }],
            new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new(10, 1) });

        Assert.Equal(new CheckpointMove(1, 10, 30, null), plan.Moves[P0]);
    }

    [Fact]
    public void A_move_counts_the_records_Kafka_delivered_past_the_checkpoint_even_for_a_range_without_records()
    {
        // [10, 20) holds 6 records and 4 offsets Kafka did not deliver; [20, 25) only markers or aborted records.
        var sparse = Batch(0, 10, 20) with { Events = Batch(0, 10, 16).Events, Delivered = 6 };
        var empty = new UserEventBatch("t", 0, 20, 25, [], [], DateTimeOffset.MinValue, 0, Delivered: 0);

        var plan = CommitPlan.Create([sparse, empty], new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new(12, 0) });

        Assert.All(plan.Batches, b => Assert.Equal(BatchCommitStatus.Committed, b.Status));
        Assert.Equal(new CheckpointMove(0, 12, 25, 4), plan.Moves[P0]);
        Assert.Equal(25, plan.NewCheckpoints[P0]);
    }

    [Fact]
    public void A_move_with_a_batch_that_did_not_count_its_records_has_no_delivered_count()
    {
        var plan = CommitPlan.Create(
            [Batch(0, 10, 20) with { Delivered = 10 }, Batch(0, 20, 30)],
            new Dictionary<PartitionKey, KafkaCheckpoint> { [P0] = new(10, 0) });

        Assert.Equal(new CheckpointMove(0, 10, 30, null), plan.Moves[P0]);
    }

    internal static UserEventBatch Batch(int partition, long from, long to, long[]? rejectAt = null, string topic = "t")
    {
        var rejected = new HashSet<long>(rejectAt ?? []);
        var events = new List<UserEvent>();
        var rejections = new List<RejectedRecord>();
        for (var offset = from; offset < to; offset++)
        {
            if (rejected.Contains(offset))
            {
                rejections.Add(new RejectedRecord(offset, [1], [2, 3], "bad"));
            }
            else
            {
                events.Add(new UserEvent((int)offset, partition, "click", 1701234567890 + offset, offset));
            }
        }

        return new UserEventBatch(topic, partition, from, to, [.. events], [.. rejections], DateTimeOffset.UtcNow);
    }
}
