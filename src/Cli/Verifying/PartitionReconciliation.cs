using UserEvents.Orleans.Streaming.Kafka;

namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// One partition's Kafka offsets held against its stored rows. The rule: a partition owes exactly one row (event or
/// dead letter) for every offset in [start, checkpoint), where start is the offset pinned at its first read (the
/// smallest stored offset when that was not recorded). An owed offset without a row is <see cref="Missing"/>; an offset
/// with more than one row is <see cref="Duplicated"/>; a row outside [start, checkpoint) is <see cref="Unexpected"/>.
/// Offsets Kafka holds below start or from the checkpoint on are not stored (yet), which is no error.
/// Kafka's watermarks only count those; the rows are owed even when Kafka no longer keeps their records.
/// </summary>
public sealed record PartitionReconciliation(
    int Partition,
    KafkaPartitionWatermarks? Kafka,
    long? Start,
    long? Checkpoint,
    long Owed,
    long Stored,
    long Missing,
    long Duplicated,
    long Unexpected,
    long? BeforeStart,
    long? NotYetStored,
    string Note)
{
    public bool IsConsistent => Missing == 0 && Duplicated == 0 && Unexpected == 0;

    /// <param name="kafka">The partition's watermarks; null when Kafka does not list the partition.</param>
    /// <param name="checkpoint">The partition's checkpoint; null when it has none (never read).</param>
    /// <param name="census">Its stored offsets; null when it has no rows.</param>
    public static PartitionReconciliation Reconcile(int partition, KafkaPartitionWatermarks? kafka, CheckpointBounds? checkpoint, PartitionOffsetCensus? census)
    {
        var stored = census?.StoredOffsets ?? 0;
        var duplicated = census?.DuplicatedOffsets ?? 0;
        if (checkpoint is null)
        {
            return new PartitionReconciliation(
                partition, kafka, null, null, 0, stored, 0, duplicated, stored, null, kafka?.High - kafka?.Low, "no checkpoint: never read");
        }

        var start = checkpoint.StartOffset ?? census?.FirstStoredOffset ?? checkpoint.NextOffset;
        var owed = Math.Max(0, checkpoint.NextOffset - start);
        var owedAndStored = census?.OffsetsBelowCheckpoint ?? 0;
        long? beforeStart = kafka is { } k ? Math.Max(0, Math.Min(start, k.High) - k.Low) : null;
        long? notYetStored = kafka is { } w ? Math.Max(0, w.High - Math.Max(checkpoint.NextOffset, w.Low)) : null;
        return new PartitionReconciliation(
            partition,
            kafka,
            start,
            checkpoint.NextOffset,
            owed,
            stored,
            owed - owedAndStored,
            duplicated,
            stored - owedAndStored,
            beforeStart,
            notYetStored,
            NoteOn(kafka, checkpoint));
    }

    private static string NoteOn(KafkaPartitionWatermarks? kafka, CheckpointBounds checkpoint) => (kafka, checkpoint.StartOffset) switch
    {
        (null, _) => "not in Kafka's metadata",
        ({ } k, _) when checkpoint.NextOffset > k.High => "checkpoint beyond Kafka's log end: the broker lost records",
        (_, null) => "start not recorded: smallest stored offset used",
        _ => "",
    };
}
