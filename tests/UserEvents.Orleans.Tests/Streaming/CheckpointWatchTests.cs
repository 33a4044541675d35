using Microsoft.Extensions.Time.Testing;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Tests.Streaming;

/// <summary>How a receiver judges what its probe of the checkpoint finds (probe every 5 s, stall 60 s, report after 10 s).</summary>
[Trait("Category", "Unit")]
public sealed class CheckpointWatchTests
{
    private readonly FakeTimeProvider time = new();
    private readonly CheckpointWatch watch;

    public CheckpointWatchTests()
    {
        watch = new CheckpointWatch(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), time);
        watch.Reset(new KafkaCheckpoint(100, 0), "timeline 00000001, started A");
    }

    [Fact]
    public void A_checkpoint_that_went_back_is_a_rollback_not_progress()
    {
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(CheckpointVerdict.Following, watch.Observe(new KafkaCheckpoint(500, 0), "timeline 00000001, started A"));

        Assert.Equal(CheckpointVerdict.WentBack, watch.Observe(new KafkaCheckpoint(300, 0), "timeline 00000001, started A"));
    }

    [Fact]
    public void A_lower_generation_is_a_rollback_whatever_the_offset()
    {
        watch.Reset(new KafkaCheckpoint(10, 2), null);

        Assert.Equal(CheckpointVerdict.WentBack, watch.Observe(new KafkaCheckpoint(5_000, 1), null));
    }

    [Fact]
    public void A_changed_commit_history_is_a_rollback_even_when_the_checkpoint_looks_the_same_or_ahead()
    {
        Assert.Equal(CheckpointVerdict.WentBack, watch.Observe(new KafkaCheckpoint(100, 0), "timeline 00000002, started B"));
        watch.Reset(new KafkaCheckpoint(100, 0), "timeline 00000002, started B");

        Assert.Equal(CheckpointVerdict.WentBack, watch.Observe(new KafkaCheckpoint(150, 0), "timeline 00000003, started B"));
    }

    [Fact]
    public void A_store_that_cannot_name_its_history_is_judged_by_the_checkpoint_alone()
    {
        Assert.Equal(CheckpointVerdict.Following, watch.Observe(new KafkaCheckpoint(200, 0), null));
        Assert.Equal(CheckpointVerdict.Following, watch.Observe(new KafkaCheckpoint(250, 0), "timeline 00000001, started A"));
    }

    [Fact]
    public void A_checkpoint_that_stands_still_behind_the_reads_is_reported_after_10_s_and_stalled_after_60_s()
    {
        Assert.False(watch.ShouldProbe(position: 100));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(watch.ShouldProbe(position: 400));
        Assert.Equal(CheckpointVerdict.Following, watch.Observe(new KafkaCheckpoint(100, 0), "timeline 00000001, started A"));
        Assert.False(watch.IsBehind);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(watch.IsBehind);
        Assert.Equal(CheckpointVerdict.Following, watch.Observe(new KafkaCheckpoint(100, 0), "timeline 00000001, started A"));

        time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(CheckpointVerdict.Stalled, watch.Observe(new KafkaCheckpoint(100, 0), "timeline 00000001, started A"));

        Assert.Equal(CheckpointVerdict.Following, watch.Observe(new KafkaCheckpoint(400, 0), "timeline 00000001, started A"));
        Assert.False(watch.IsBehind);
    }

    [Fact]
    public void An_idle_receiver_probes_too_so_a_rollback_under_it_is_seen()
    {
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(watch.ShouldProbe(position: 100));
        Assert.False(watch.IsBehind);
    }
}
