namespace OrleansKafka.Streaming;

/// <summary>
/// Where each partition's checkpoint (the next offset to store) lives. The provider only reads it and pins
/// a partition's starting point; moving it forward is the sink's job, in the same transaction as the data.
/// </summary>
public interface IKafkaCheckpointStore
{
    /// <summary>The partition's checkpoint, or null when it has none yet.</summary>
    Task<KafkaCheckpoint?> ReadAsync(string topic, int partition, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="startOffset"/> (generation 0) as the partition's checkpoint unless it already has one,
    /// and returns the checkpoint that is stored now (the existing one wins a race). <paramref name="topicId"/> is the
    /// broker's id of the topic when it reports one: it later proves whether a log is new (see <see cref="ResetOutOfRangeAsync"/>).
    /// </summary>
    Task<KafkaCheckpoint> PinAsync(string topic, int partition, long startOffset, string? topicId, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="owner"/> (the silo whose receiver was given the partition at <paramref name="assignedAt"/>)
    /// reads it from now on, unless a receiver given it later has claimed it already: while a queue moves, the old and the new
    /// receiver run side by side, and the old one's start may finish last. For monitoring only: the exactly-once protocol
    /// never looks at it. A checkpoint pinned without a topic id (an older version, or a broker that reported none) takes
    /// <paramref name="topicId"/> here.
    /// </summary>
    Task ClaimAsync(string topic, int partition, string owner, DateTimeOffset assignedAt, string? topicId, CancellationToken cancellationToken);

    /// <summary>
    /// When the checkpoint lies outside the partition's log [<paramref name="lowWatermark"/>, <paramref name="highWatermark"/>],
    /// moves it to where the log really continues and records the jump; otherwise changes nothing:
    /// below the log start (retention deleted unread records): to the low watermark, same generation, the deleted range
    /// recorded as lost; beyond the log end with the same topic (the log lost its tail: an unclean leader election, a
    /// broker that lost unflushed records): to the high watermark in the next generation, because Kafka will hand out
    /// again offsets already stored; beyond the end and the log proven new — <paramref name="topicId"/> differs from the one
    /// pinned, or <paramref name="lastRecord"/> (the log's last record, decoded) differs from what is stored at its offset:
    /// the topic was deleted and created again — to the low watermark in the next generation.
    /// </summary>
    Task<KafkaCheckpointReset> ResetOutOfRangeAsync(
        string topic, int partition, long lowWatermark, long highWatermark, string? topicId, KafkaLogProbe? lastRecord, CancellationToken cancellationToken);

    /// <summary>
    /// Names the store's commit history. It must change when commits the store acknowledged may be gone (a failover to a
    /// standby that lacked them, a restore from a backup) and may change at other times (a restart): each change makes
    /// every receiver read again from its checkpoint at its next probe. Null (the default) when the store cannot tell: then
    /// only a checkpoint seen going back reveals a rollback, and one that went back before a receiver saw it is found by
    /// <see cref="KafkaStreamOptions.StalledCheckpointTimeout"/>.
    /// </summary>
    Task<string?> ReadCommitHistoryAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>
/// A partition's checkpoint: the next offset to store, in log generation <paramref name="LogGeneration"/>. The generation
/// starts at 0 and grows by one each time Kafka is found to reuse offsets already stored, so that
/// (partition, generation, offset) names one record for ever.
/// </summary>
public readonly record struct KafkaCheckpoint(long NextOffset, int LogGeneration);

/// <summary>
/// One record of a partition's current log, at <paramref name="Offset"/>, as the decoder turned it into a stream event
/// (<see cref="IKafkaRecordDecoder.Decode"/>): the store compares it with what it stored at that offset.
/// </summary>
public sealed record KafkaLogProbe(long Offset, object Decoded);

/// <summary>A checkpoint before and after <see cref="IKafkaCheckpointStore.ResetOutOfRangeAsync"/>.</summary>
public readonly record struct KafkaCheckpointReset(KafkaCheckpoint Previous, KafkaCheckpoint Current)
{
    /// <summary>Whether the reset moved the checkpoint.</summary>
    public bool Changed => Previous != Current;
}
