namespace UserEvents.Orleans.Chaos.Load;

/// <summary>
/// What one producer had acknowledged by Kafka: all records, those that must be rejected, and failed deliveries given up.
/// <paramref name="Uncertain"/> (<paramref name="UncertainToReject"/> of them malformed) counts deliveries that failed after
/// the record may have reached the log (a broker killed before it answered): the record was sent again, so Kafka may hold it
/// twice, as any at-least-once producer may write it.
/// </summary>
public sealed record ProducedCounts(long Delivered, long DeliveredToReject, long Failed, string? FirstError, long Uncertain = 0, long UncertainToReject = 0)
{
    public static ProducedCounts None { get; } = new(0, 0, 0, null);

    public ProducedCounts Add(ProducedCounts other) =>
        new(Delivered + other.Delivered, DeliveredToReject + other.DeliveredToReject, Failed + other.Failed, FirstError ?? other.FirstError, Uncertain + other.Uncertain, UncertainToReject + other.UncertainToReject);
}
