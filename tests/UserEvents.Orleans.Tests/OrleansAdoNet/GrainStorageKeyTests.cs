using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;
using UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

namespace UserEvents.Orleans.Tests.OrleansAdoNet;

/// <summary>
/// How the real ADO.NET grain storage maps a GrainId onto the natural key of orleans_grain_state.
/// These pin down two surprises documented in docs/ORLEANS-ADONET.md.
/// </summary>
[Collection(SingleSiloClusterCollection.Name)]
public sealed class GrainStorageKeyTests(SingleSiloClusterFixture fixture)
{
    [Fact]
    public async Task A_string_key_that_parses_as_a_Guid_is_stored_as_a_Guid_key()
    {
        var guid = Guid.NewGuid();
        var storage = Storage();
        await storage.WriteStateAsync("guid-like", GrainId.Create("key-probe", guid.ToString("N")), State(1));

        var row = await PostgresServer.ScalarAsync<string>(
            fixture.ConnectionString,
            "SELECT concat_ws('|', grainidn0, grainidn1, coalesce(grainidextensionstring, 'NULL')) FROM orleans_grain_state WHERE graintypestring = 'guid-like'");

        var bytes = guid.ToByteArray();
        Assert.Equal($"{BitConverter.ToInt64(bytes, 0)}|{BitConverter.ToInt64(bytes, 8)}|NULL", row);
    }

    [Fact]
    public async Task Two_grain_types_with_the_same_state_name_and_key_share_one_record()
    {
        var key = "shared-" + Guid.NewGuid().ToString("N");
        var storage = Storage();
        await storage.WriteStateAsync(CounterGrainStates.StateName, GrainId.Create("type-a", key), State(7));

        var other = new GrainState<CounterState>();
        await storage.ReadStateAsync(CounterGrainStates.StateName, GrainId.Create("type-b", key), other);

        Assert.True(other.RecordExists);
        Assert.Equal(7, other.State?.Value);
    }

    private IGrainStorage Storage() => fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(AdoNetTestCluster.KeepOnClearStorage);

    private static GrainState<CounterState> State(int value) => new(new CounterState { Value = value }, null);
}
