namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>A ledger range that starts after (gap) or before (overlap) the reach of the ranges before it, or is miscounted.</summary>
/// <param name="Reach">The furthest to_offset of the ranges before it; null for the first range.</param>
/// <param name="Delivered">The records Kafka delivered for it; null when not recorded.</param>
public sealed record LedgerRangeDefect(int Partition, int Generation, long FromOffset, long ToOffset, string Kind, long Events, long Rejected, long? Reach, long? Delivered = null)
{
    public string Describe() => Reach switch
    {
        { } reach when FromOffset > reach => $"gap: offsets {reach}..{FromOffset} have no range",
        { } reach when FromOffset < reach => $"overlap: offsets {FromOffset}..{Math.Min(reach, ToOffset)} are in an earlier range too",
        _ when Delivered is { } delivered => $"{Kind} range holds {Events} events + {Rejected} rejected for {delivered} records Kafka delivered in {ToOffset - FromOffset} offsets",
        _ => $"{Kind} range holds {Events} events + {Rejected} rejected for {ToOffset - FromOffset} offsets",
    };
}
