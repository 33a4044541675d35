using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;
using UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

namespace UserEvents.Orleans.Tests.OrleansAdoNet;

/// <summary>Grain state written, re-read after deactivation and cleared through the real ADO.NET grain storage.</summary>
[Collection(SingleSiloClusterCollection.Name)]
public sealed class GrainPersistenceTests(SingleSiloClusterFixture fixture)
{
    [Fact]
    public async Task State_survives_deactivation()
    {
        var key = NewKey();
        var grain = fixture.Cluster.Client.GetGrain<IKeepOnClearCounterGrain>(key);
        Assert.Equal(new StoredCounter(0, null, false), await grain.Read());

        await grain.Increment();
        await grain.Increment();
        await grain.Deactivate();

        Assert.Equal(new StoredCounter(2, "2", true), await grain.Read());
        Assert.Equal((2, false), await StoredRowAsync(key));
    }

    [Fact]
    public async Task Clear_keeps_the_record_with_a_null_payload_when_DeleteStateOnClear_is_false()
    {
        var key = NewKey();
        var grain = fixture.Cluster.Client.GetGrain<IKeepOnClearCounterGrain>(key);
        await grain.Increment();

        await grain.Clear();

        Assert.Equal(new StoredCounter(0, "2", false), await grain.Read());
        Assert.Equal((2, true), await StoredRowAsync(key));
        await grain.Deactivate();
        Assert.Equal(new StoredCounter(0, "2", false), await grain.Read());
        Assert.Equal(1, await grain.Increment());
        Assert.Equal((3, false), await StoredRowAsync(key));
    }

    [Fact]
    public async Task Clear_deletes_the_record_when_DeleteStateOnClear_is_true()
    {
        var key = NewKey();
        var grain = fixture.Cluster.Client.GetGrain<IDeleteOnClearCounterGrain>(key);
        await grain.Increment();
        await grain.Increment();

        await grain.Clear();

        Assert.Equal(new StoredCounter(0, null, false), await grain.Read());
        Assert.Equal(0L, await RowCountAsync(key));
        await grain.Deactivate();
        Assert.Equal(new StoredCounter(0, null, false), await grain.Read());

        // The next write takes the insert path again and starts over at version 1.
        Assert.Equal(1, await grain.Increment());
        Assert.Equal((1, false), await StoredRowAsync(key));
    }

    private static string NewKey() => "counter-" + Guid.NewGuid().ToString("N");

    /// <summary>Version and "payload is NULL" of the grain's record (a string key is stored whole in the extension).</summary>
    private async Task<(int Version, bool PayloadIsNull)> StoredRowAsync(string key)
    {
        Assert.Equal(1L, await RowCountAsync(key));
        var version = await PostgresServer.ScalarAsync<int>(fixture.ConnectionString, RowSql("version"), RowParameters(key));
        var payloadIsNull = await PostgresServer.ScalarAsync<bool>(fixture.ConnectionString, RowSql("payloadbinary IS NULL"), RowParameters(key));
        return (version, payloadIsNull);
    }

    private Task<long> RowCountAsync(string key) =>
        PostgresServer.ScalarAsync<long>(fixture.ConnectionString, RowSql("count(*)"), RowParameters(key));

    private static string RowSql(string what) =>
        $"SELECT {what} FROM orleans_grain_state WHERE serviceid = @s AND graintypestring = @t AND grainidextensionstring = @k";

    private (string, object)[] RowParameters(string key) =>
        [("s", fixture.ServiceId), ("t", CounterGrainStates.StateName), ("k", key)];
}
