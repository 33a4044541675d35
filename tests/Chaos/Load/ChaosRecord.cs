namespace UserEvents.Orleans.Chaos.Load;

/// <summary>One Kafka record to produce; null key or value means none.</summary>
public sealed record ChaosRecord(byte[]? Key, byte[]? Value, ChaosRecordKind Kind)
{
    /// <summary>True when the pipeline must store it as a dead letter in <c>user_events_rejected</c>.</summary>
    public bool MustBeRejected => Kind is not (ChaosRecordKind.Valid or ChaosRecordKind.ValidWithNullKey);
}
