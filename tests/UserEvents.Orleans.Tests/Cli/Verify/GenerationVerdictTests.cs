using UserEvents.Orleans.Cli.Verifying;

namespace UserEvents.Orleans.Tests.Cli.Verify;

/// <summary>The rule of <c>verify</c>: per (partition, generation), ledger ranges chain from the generation's start to its end.</summary>
[Trait("Category", "Unit")]
public sealed class GenerationVerdictTests
{
    private static readonly OffsetReset Truncated = new(0, 1000, 200, 0, 1, "truncated", "checkpoint 1000 beyond the log end 200");

    [Fact]
    public void A_chain_from_the_pinned_start_to_the_checkpoint_is_consistent_and_owes_its_length()
    {
        var verdict = GenerationVerdict.Judge(0, 0, new CheckpointBounds(0, 1000, 0, 0), [], Chain(0, 0, 1000));

        Assert.True(verdict.IsConsistent);
        Assert.Equal((0L, 1000L, 1000L), (verdict.Start!.Value, verdict.End!.Value, verdict.Owed));
    }

    [Fact]
    public void Offsets_before_the_first_range_and_after_the_last_are_missing_and_ranges_past_the_checkpoint_unexpected()
    {
        var late = GenerationVerdict.Judge(0, 0, new CheckpointBounds(0, 1000, 0, 0), [], Chain(0, 100, 900));
        var ahead = GenerationVerdict.Judge(0, 0, new CheckpointBounds(0, 1000, 0, 0), [], Chain(0, 0, 1100));

        Assert.Equal((200L, 0L), (late.Missing, late.Unexpected));
        Assert.Equal((0L, 100L), (ahead.Missing, ahead.Unexpected));
        Assert.False(late.IsConsistent || ahead.IsConsistent);
    }

    [Fact]
    public void An_older_generation_ends_at_the_reset_and_the_next_begins_at_its_target()
    {
        var checkpoint = new CheckpointBounds(0, 500, 0, 1);

        var old = GenerationVerdict.Judge(0, 0, checkpoint, [Truncated], Chain(0, 0, 1000));
        var current = GenerationVerdict.Judge(0, 1, checkpoint, [Truncated], Chain(1, 200, 500));

        Assert.True(old.IsConsistent && current.IsConsistent);
        Assert.Equal((0L, 1000L, false), (old.Start!.Value, old.End!.Value, old.IsCurrent));
        Assert.Equal((200L, 500L, true), (current.Start!.Value, current.End!.Value, current.IsCurrent));
        Assert.Contains("truncated", old.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generation_without_ranges_owes_its_whole_span_as_missing()
    {
        var verdict = GenerationVerdict.Judge(3, 0, new CheckpointBounds(3, 40, 10, 0), [], null);

        Assert.Equal((30L, 30L), (verdict.Owed, verdict.Missing));
        Assert.False(verdict.IsConsistent);
    }

    private static LedgerChainSummary Chain(int generation, long from, long to) =>
        new(0, generation, 1, from, to, 0, 0, 0, 0, 0, to - from, 0, 0, 0);
}
