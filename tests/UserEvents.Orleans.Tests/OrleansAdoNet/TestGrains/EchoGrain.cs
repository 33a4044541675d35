namespace UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<string> Echo(string text) => Task.FromResult(text);
}
