using UserEvents.Orleans.Cli.Verifying;
using UserEvents.Orleans.Streaming.Kafka;

namespace UserEvents.Orleans.Tests.Cli.Verify;

/// <summary>The rule of <c>verify</c>: one row for every offset from the start to the checkpoint, none twice, none elsewhere.</summary>
[Trait("Category", "Unit")]
public sealed class PartitionReconciliationTests
{
    [Fact]
    public void Every_owed_offset_stored_once_is_consistent_and_the_rest_of_the_log_is_not_yet_stored()
    {
        var result = PartitionReconciliation.Reconcile(
            2, new KafkaPartitionWatermarks(2, 0, 150), new CheckpointBounds(2, 120, 0), new PartitionOffsetCensus(2, 120, 0, 120, 0));

        Assert.True(result.IsConsistent);
        Assert.Equal((120L, 0L, 0L, 0L), (result.Owed, result.Missing, result.Duplicated, result.Unexpected));
        Assert.Equal(0, result.BeforeStart);
        Assert.Equal(30, result.NotYetStored);
    }

    [Fact]
    public void Offsets_before_a_latest_start_are_not_stored_rather_than_missing()
    {
        var result = PartitionReconciliation.Reconcile(
            0, new KafkaPartitionWatermarks(0, 0, 100), new CheckpointBounds(0, 100, 60), new PartitionOffsetCensus(0, 40, 0, 40, 60));

        Assert.True(result.IsConsistent);
        Assert.Equal(40, result.Owed);
        Assert.Equal(60, result.BeforeStart);
        Assert.Equal(0, result.NotYetStored);
    }

    [Fact]
    public void A_gap_a_double_and_a_row_past_the_checkpoint_are_each_counted()
    {
        // Offsets 0..99 owed; 98 of them stored, one of them twice, plus a row at offset 100.
        var result = PartitionReconciliation.Reconcile(
            1, new KafkaPartitionWatermarks(1, 0, 101), new CheckpointBounds(1, 100, 0), new PartitionOffsetCensus(1, 99, 1, 98, 0));

        Assert.False(result.IsConsistent);
        Assert.Equal((2L, 1L, 1L), (result.Missing, result.Duplicated, result.Unexpected));
    }

    [Fact]
    public void Rows_owed_stay_owed_after_Kafka_deleted_their_records()
    {
        var result = PartitionReconciliation.Reconcile(
            3, new KafkaPartitionWatermarks(3, 500, 900), new CheckpointBounds(3, 900, 0), new PartitionOffsetCensus(3, 900, 0, 900, 0));

        Assert.True(result.IsConsistent);
        Assert.Equal(900, result.Owed);
        Assert.Equal(0, result.BeforeStart);
    }

    [Fact]
    public void Without_a_recorded_start_the_smallest_stored_offset_is_the_start()
    {
        var result = PartitionReconciliation.Reconcile(
            4, new KafkaPartitionWatermarks(4, 0, 50), new CheckpointBounds(4, 50, null), new PartitionOffsetCensus(4, 29, 0, 29, 20));

        Assert.Equal(20, result.Start);
        Assert.Equal(1, result.Missing);
        Assert.Contains("start not recorded", result.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_partition_never_read_owes_nothing_and_its_rows_are_unexpected()
    {
        var unread = PartitionReconciliation.Reconcile(5, new KafkaPartitionWatermarks(5, 0, 10), null, null);
        var stray = PartitionReconciliation.Reconcile(6, null, null, new PartitionOffsetCensus(6, 3, 0, 0, 0));

        Assert.True(unread.IsConsistent);
        Assert.Equal(10, unread.NotYetStored);
        Assert.Equal(3, stray.Unexpected);
        Assert.False(stray.IsConsistent);
    }

    [Fact]
    public void A_checkpoint_beyond_the_log_end_is_noted()
    {
        var result = PartitionReconciliation.Reconcile(
            0, new KafkaPartitionWatermarks(0, 0, 10), new CheckpointBounds(0, 500, 0), new PartitionOffsetCensus(0, 500, 0, 500, 0));

        Assert.True(result.IsConsistent);
        Assert.Equal(0, result.NotYetStored);
        Assert.Contains("beyond Kafka's log end", result.Note, StringComparison.Ordinal);
    }
}
