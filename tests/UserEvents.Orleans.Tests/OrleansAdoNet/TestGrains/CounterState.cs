namespace UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

/// <summary>The persisted state of the counter grains (stored as JSON bytes in payloadbinary).</summary>
[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }
}
