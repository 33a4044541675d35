using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;
using UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

namespace UserEvents.Orleans.Tests.OrleansAdoNet;

/// <summary>Optimistic concurrency of the real ADO.NET grain storage, driven through IGrainStorage.</summary>
[Collection(SingleSiloClusterCollection.Name)]
public sealed class GrainStorageConcurrencyTests(SingleSiloClusterFixture fixture)
{
    private const string StateName = CounterGrainStates.StateName;
    private const int Racers = 8;

    [Fact]
    public async Task A_write_with_a_stale_ETag_is_an_InconsistentStateException()
    {
        var storage = Storage(AdoNetTestCluster.KeepOnClearStorage);
        var grainId = NewGrainId();
        var current = State(1, eTag: null);
        await storage.WriteStateAsync(StateName, grainId, current);
        var stale = State(2, current.ETag);
        current.State = new CounterState { Value = 3 };
        await storage.WriteStateAsync(StateName, grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grainId, stale));

        var read = State(0, eTag: null);
        await storage.ReadStateAsync(StateName, grainId, read);
        Assert.Equal((3, "2", true), (read.State?.Value, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task A_stale_delete_on_clear_is_an_InconsistentStateException_and_keeps_the_record()
    {
        var storage = Storage(AdoNetTestCluster.DeleteOnClearStorage);
        var grainId = NewGrainId();
        var current = State(1, eTag: null);
        await storage.WriteStateAsync(StateName, grainId, current);
        var stale = State(1, current.ETag);
        await storage.WriteStateAsync(StateName, grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grainId, stale));
        await storage.ClearStateAsync(StateName, grainId, current);

        Assert.Null(current.ETag);
        var read = State(0, eTag: null);
        await storage.ReadStateAsync(StateName, grainId, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Racing_first_writes_of_one_grain_let_exactly_one_win()
    {
        var storage = Storage(AdoNetTestCluster.KeepOnClearStorage);
        var grainId = NewGrainId();
        var writers = Enumerable.Range(1, Racers).Select(i => State(i, eTag: null)).ToArray();

        var outcomes = await Task.WhenAll(writers.Select(w => Outcome(storage.WriteStateAsync(StateName, grainId, w))));

        await AssertOneWinnerAsync(storage, grainId, writers, outcomes, expectedETag: "1");
    }

    [Fact]
    public async Task Racing_updates_with_the_same_ETag_let_exactly_one_win()
    {
        var storage = Storage(AdoNetTestCluster.KeepOnClearStorage);
        var grainId = NewGrainId();
        var first = State(0, eTag: null);
        await storage.WriteStateAsync(StateName, grainId, first);
        var writers = Enumerable.Range(1, Racers).Select(i => State(i, first.ETag)).ToArray();

        var outcomes = await Task.WhenAll(writers.Select(w => Outcome(storage.WriteStateAsync(StateName, grainId, w))));

        await AssertOneWinnerAsync(storage, grainId, writers, outcomes, expectedETag: "2");
    }

    [Fact]
    public async Task The_version_wraps_at_the_int32_maximum_instead_of_overflowing()
    {
        var storage = Storage(AdoNetTestCluster.KeepOnClearStorage);
        var key = "wrap-" + Guid.NewGuid().ToString("N"); // not a bare Guid: that would be stored as a Guid key
        var grainId = GrainId.Create("storage-probe", key);
        var state = State(1, eTag: null);
        await storage.WriteStateAsync(StateName, grainId, state);
        await PostgresServer.ExecuteAsync(
            fixture.ConnectionString,
            $"UPDATE orleans_grain_state SET version = 2147483647 WHERE grainidextensionstring = '{key}'");
        var stale = State(3, "2147483647");

        var atMaximum = State(2, "2147483647");
        await storage.WriteStateAsync(StateName, grainId, atMaximum);

        Assert.Equal("1", atMaximum.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, stale));
    }

    private static async Task AssertOneWinnerAsync(
        IGrainStorage storage, GrainId grainId, GrainState<CounterState>[] writers, Exception?[] outcomes, string expectedETag)
    {
        Assert.Single(outcomes, outcome => outcome is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<InconsistentStateException>(o));
        var winner = writers[Array.FindIndex(outcomes, o => o is null)];
        Assert.Equal(expectedETag, winner.ETag);

        var read = State(0, eTag: null);
        await storage.ReadStateAsync(StateName, grainId, read);
        Assert.Equal((winner.State?.Value, expectedETag), (read.State?.Value, read.ETag));
    }

    private static async Task<Exception?> Outcome(Task write)
    {
        try
        {
            await write;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private IGrainStorage Storage(string name) => fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(name);

    private static GrainId NewGrainId() => GrainId.Create("storage-probe", "probe-" + Guid.NewGuid().ToString("N"));

    private static GrainState<CounterState> State(int value, string? eTag) => new(new CounterState { Value = value }, eTag);
}
