using UserEvents.Orleans.Postgres.Checkpoints;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Tests.Postgres;

[Trait("Category", "Unit")]
public sealed class OutOfRangeDecisionTests
{
    [Theory]
    [InlineData(100, 100, 200)]
    [InlineData(150, 100, 200)]
    [InlineData(200, 100, 200)]
    public void A_checkpoint_inside_the_log_stays(long checkpoint, long low, long high) =>
        Assert.Null(OutOfRangeDecision.For(new KafkaCheckpoint(checkpoint, 3), low, high, "a", "b"));

    [Fact]
    public void Below_the_log_start_it_moves_to_the_start_in_the_same_generation()
    {
        var decision = OutOfRangeDecision.For(new KafkaCheckpoint(50, 2), 100, 200, "a", "a");

        Assert.Equal((new KafkaCheckpoint(100, 2), OutOfRangeDecision.Retention), (decision!.Value.Next, decision.Value.Kind));
        Assert.Contains("[50, 100)", decision.Value.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", "a")]
    [InlineData(null, "a")]
    [InlineData("a", null)]
    [InlineData(null, null)]
    public void Beyond_the_end_without_proof_of_a_new_log_it_continues_at_the_end_in_the_next_generation(string? pinned, string? now)
    {
        var decision = OutOfRangeDecision.For(new KafkaCheckpoint(500, 0), 100, 200, pinned, now);

        Assert.Equal((new KafkaCheckpoint(200, 1), OutOfRangeDecision.Truncated), (decision!.Value.Next, decision.Value.Kind));
        Assert.Contains("[200, 500)", decision.Value.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Beyond_the_end_when_the_logs_last_record_is_not_the_one_stored_the_log_is_new()
    {
        var decision = OutOfRangeDecision.For(new KafkaCheckpoint(500, 0), 0, 200, null, null, lastRecordMatches: false);

        Assert.Equal((new KafkaCheckpoint(0, 1), OutOfRangeDecision.NewLog), (decision!.Value.Next, decision.Value.Kind));
    }

    [Fact]
    public void Beyond_the_end_when_the_logs_last_record_is_the_one_stored_the_log_lost_its_tail()
    {
        var decision = OutOfRangeDecision.For(new KafkaCheckpoint(500, 0), 0, 200, null, null, lastRecordMatches: true);

        Assert.Equal((new KafkaCheckpoint(200, 1), OutOfRangeDecision.Truncated), (decision!.Value.Next, decision.Value.Kind));
    }

    [Fact]
    public void Beyond_the_end_of_a_topic_created_again_it_reads_the_new_log_from_its_start_in_the_next_generation()
    {
        var decision = OutOfRangeDecision.For(new KafkaCheckpoint(500, 4), 0, 200, "old-id", "new-id");

        Assert.Equal((new KafkaCheckpoint(0, 5), OutOfRangeDecision.NewLog), (decision!.Value.Next, decision.Value.Kind));
    }
}
