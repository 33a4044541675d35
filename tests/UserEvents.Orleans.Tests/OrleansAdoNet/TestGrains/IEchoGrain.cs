namespace UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

/// <summary>A stateless grain: proves a client reached the cluster through the ADO.NET gateway list.</summary>
public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<string> Echo(string text);
}
