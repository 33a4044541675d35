namespace UserEvents.Orleans.Contracts;

/// <summary>A Kafka record that could not be read as a <see cref="UserEvent"/>; it is kept as a dead letter.</summary>
/// <param name="Offset">The Kafka offset of the record.</param>
/// <param name="Key">The raw key bytes, or null when the record has no key.</param>
/// <param name="Value">The raw value bytes, or null when the record has no value.</param>
/// <param name="Reason">Why the record was rejected, for a person to read.</param>
[GenerateSerializer, Immutable]
public sealed record RejectedRecord(
    [property: Id(0)] long Offset,
    [property: Id(1)] byte[]? Key,
    [property: Id(2)] byte[]? Value,
    [property: Id(3)] string Reason);
