namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>A movie and how many events it had in a window.</summary>
[GenerateSerializer, Immutable]
public sealed record MovieEventCount(
    [property: Id(0)] int MovieId,
    [property: Id(1)] long Events);
