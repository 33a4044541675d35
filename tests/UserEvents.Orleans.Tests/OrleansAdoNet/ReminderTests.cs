using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;
using UserEvents.Orleans.Tests.OrleansAdoNet.Support;
using UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

namespace UserEvents.Orleans.Tests.OrleansAdoNet;

/// <summary>A grain's reminder registered, fired, listed, updated and unregistered through the real ADO.NET reminder table.</summary>
[Collection(SingleSiloClusterCollection.Name)]
public sealed class ReminderTests(SingleSiloClusterFixture fixture)
{
    [Fact]
    public async Task A_reminder_fires_is_listed_and_is_gone_after_unregistering()
    {
        var grain = fixture.Cluster.Client.GetGrain<IReminderProbeGrain>(Guid.NewGuid());
        var grainId = grain.GetGrainId().ToString();

        await grain.Register("tick", TimeSpan.FromSeconds(1));

        Assert.Equal(["tick"], await grain.ListReminders());
        Assert.True(await grain.HasReminder("tick"));
        Assert.False(await grain.HasReminder("other"));
        Assert.Equal((0, 1000L), await StoredAsync(grainId));
        await Eventually.Matches(() => grain.TickCount("tick"), n => n >= 1, "the reminder to fire");

        // Re-registering replaces the period and changes the version (the reminder's ETag).
        await grain.Register("tick", TimeSpan.FromSeconds(2));
        Assert.Equal((1, 2000L), await StoredAsync(grainId));

        await grain.Unregister("tick");

        Assert.Empty(await grain.ListReminders());
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(
            fixture.ConnectionString, "SELECT count(*) FROM orleans_reminders WHERE grainid = @g", ("g", grainId)));
    }

    private async Task<(int Version, long Period)> StoredAsync(string grainId)
    {
        const string Where = " FROM orleans_reminders WHERE serviceid = @s AND grainid = @g AND remindername = 'tick'";
        var version = await PostgresServer.ScalarAsync<int>(fixture.ConnectionString, "SELECT version" + Where, ("s", fixture.ServiceId), ("g", grainId));
        var period = await PostgresServer.ScalarAsync<long>(fixture.ConnectionString, "SELECT period" + Where, ("s", fixture.ServiceId), ("g", grainId));
        return (version, period);
    }
}
