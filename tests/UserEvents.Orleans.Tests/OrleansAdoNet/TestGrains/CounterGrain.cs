using UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;

namespace UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

/// <summary>Counter logic shared by the two storages; the subclasses only pick the storage.</summary>
public abstract class CounterGrain(IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        counter.State.Value++;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<StoredCounter> Read() => Task.FromResult(new StoredCounter(counter.State.Value, counter.Etag, counter.RecordExists));

    public Task Clear() => counter.ClearStateAsync();

    public Task Deactivate()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public sealed class KeepOnClearCounterGrain(
    [PersistentState(CounterGrainStates.StateName, AdoNetTestCluster.KeepOnClearStorage)] IPersistentState<CounterState> counter)
    : CounterGrain(counter), IKeepOnClearCounterGrain;

public sealed class DeleteOnClearCounterGrain(
    [PersistentState(CounterGrainStates.StateName, AdoNetTestCluster.DeleteOnClearStorage)] IPersistentState<CounterState> counter)
    : CounterGrain(counter), IDeleteOnClearCounterGrain;

public static class CounterGrainStates
{
    /// <summary>The state name, stored by the provider as graintypestring.</summary>
    public const string StateName = "state";
}
