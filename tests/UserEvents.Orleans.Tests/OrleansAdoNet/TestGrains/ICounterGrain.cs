namespace UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

/// <summary>A counter persisted through an ADO.NET grain storage; never resolved directly.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();

    Task<StoredCounter> Read();

    Task Clear();

    Task Deactivate();
}

/// <summary>Counter on the storage with DeleteStateOnClear = false (clear keeps the record).</summary>
public interface IKeepOnClearCounterGrain : ICounterGrain;

/// <summary>Counter on the storage with DeleteStateOnClear = true (clear deletes the record).</summary>
public interface IDeleteOnClearCounterGrain : ICounterGrain;
