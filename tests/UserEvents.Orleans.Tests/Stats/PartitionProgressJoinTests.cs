using UserEvents.Orleans.Grains.Stats;
using UserEvents.Orleans.Postgres.Stats;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Tests.Stats;

[Trait("Category", "Unit")]
public sealed class PartitionProgressJoinTests
{
    private static readonly DateTimeOffset Committed = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Lag_is_the_high_watermark_minus_the_checkpoint_and_unknown_where_either_is_missing()
    {
        var progress = PartitionProgressJoin.Join(
            "t",
            [new CheckpointRow(0, 90, Committed, "a"), new CheckpointRow(2, 5, Committed, "b")],
            [new KafkaPartitionWatermarks(0, 0, 100), new KafkaPartitionWatermarks(1, 0, 7), new KafkaPartitionWatermarks(2, 0, 5)]);

        Assert.Equal(new[] { 0, 1, 2 }, progress.Select(p => p.Partition));
        Assert.Equal(10, progress[0].Lag);
        Assert.Equal("a", progress[0].Owner);
        Assert.Null(progress[1].Checkpoint);
        Assert.Null(progress[1].Lag);
        Assert.Equal(0, progress[2].Lag);
    }

    [Fact]
    public void Without_Kafka_the_checkpoints_are_shown_with_unknown_high_watermarks()
    {
        var progress = PartitionProgressJoin.Join("t", [new CheckpointRow(3, 42, Committed, null)], null);

        var only = Assert.Single(progress);
        Assert.Equal((3, 42L, (long?)null, (long?)null, Committed), (only.Partition, only.Checkpoint!.Value, only.HighWatermark, only.Lag, only.LastCommitAt!.Value));
    }
}
