namespace UserEvents.Orleans.Streaming.Kafka;

/// <summary>
/// Where each partition's checkpoint (the next offset to store) lives. The provider only reads it and pins
/// a partition's starting point; moving it forward is the sink's job, in the same transaction as the data.
/// </summary>
public interface IKafkaCheckpointStore
{
    /// <summary>The partition's checkpoint, or null when it has none yet.</summary>
    Task<long?> ReadAsync(string topic, int partition, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="startOffset"/> as the partition's checkpoint unless it already has one,
    /// and returns the checkpoint that is stored now (the existing one wins a race).
    /// </summary>
    Task<long> PinAsync(string topic, int partition, long startOffset, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="owner"/> (the silo whose receiver starts on the partition) reads it from now on.
    /// For monitoring only: the exactly-once protocol never looks at it.
    /// </summary>
    Task ClaimAsync(string topic, int partition, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// When the checkpoint lies outside the partition's log [<paramref name="lowWatermark"/>, <paramref name="highWatermark"/>]
    /// (retention deleted unread records, or the broker lost or recreated the log), moves it to <paramref name="lowWatermark"/>
    /// and records the jump; otherwise changes nothing.
    /// </summary>
    Task<KafkaCheckpointReset> ResetOutOfRangeAsync(string topic, int partition, long lowWatermark, long highWatermark, CancellationToken cancellationToken);
}

/// <summary>A checkpoint before and after <see cref="IKafkaCheckpointStore.ResetOutOfRangeAsync"/>.</summary>
public readonly record struct KafkaCheckpointReset(long Previous, long Current)
{
    public bool Changed => Previous != Current;
}
