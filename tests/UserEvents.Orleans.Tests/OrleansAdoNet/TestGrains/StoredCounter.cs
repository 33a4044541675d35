namespace UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

/// <summary>What a counter grain's IPersistentState holds: its value, ETag and whether a record exists.</summary>
[GenerateSerializer]
public sealed record StoredCounter([property: Id(0)] int Value, [property: Id(1)] string? ETag, [property: Id(2)] bool RecordExists);
