namespace UserEvents.Orleans.Chaos.Load;

/// <summary>What one producer had acknowledged by Kafka: all records, those that must be rejected, and failed deliveries.</summary>
public sealed record ProducedCounts(long Delivered, long DeliveredToReject, long Failed, string? FirstError)
{
    public static ProducedCounts None { get; } = new(0, 0, 0, null);

    public ProducedCounts Add(ProducedCounts other) =>
        new(Delivered + other.Delivered, DeliveredToReject + other.DeliveredToReject, Failed + other.Failed, FirstError ?? other.FirstError);
}
