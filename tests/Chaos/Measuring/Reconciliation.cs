namespace UserEvents.Orleans.Chaos.Measuring;

/// <summary>
/// Kafka held against PostgreSQL at the end of a scenario. <see cref="Produced"/>: offsets Kafka wrote, over every broker
/// life; <see cref="Stored"/>, <see cref="Rejected"/>: rows of user_events and user_events_rejected;
/// <see cref="Duplicated"/>: offsets with more than one row; <see cref="Missing"/>: offsets without a row;
/// <see cref="Unexpected"/>: rows for no produced offset; <see cref="RejectedWithoutReason"/>: dead letters with an empty reason.
/// </summary>
public sealed record Reconciliation(
    long Produced,
    long Stored,
    long Rejected,
    long Duplicated,
    long Missing,
    long Unexpected,
    long RejectedWithoutReason,
    IReadOnlyDictionary<string, long> RejectedByReason)
{
    public bool IsExactlyOnce => Duplicated == 0 && Missing == 0 && Unexpected == 0 && Produced == Stored + Rejected;
}
