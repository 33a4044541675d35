using Orleans;
using Orleans.Runtime;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.OrleansAdoNet.Support;

namespace UserEvents.Orleans.Tests.OrleansAdoNet;

/// <summary>
/// The real ADO.NET membership table, driven directly: the version ETag rules, racing writers,
/// heartbeats, defunct-silo cleanup (with and without the optional singular key) and the gateway list.
/// </summary>
public sealed class MembershipTableTests
{
    private static readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public async Task Racing_inserts_with_the_same_version_let_exactly_one_silo_in()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet_members");
        var table = await MembershipTables.CreateAsync(connectionString, "race");
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true); // a second start must not fail
        var empty = await table.ReadAllAsync();
        Assert.Equal(0, empty.Version.Version);
        Assert.Empty(empty.Members);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            table.InsertRowAsync(MembershipTables.Entry(11000 + i, SiloStatus.Joining, Now), empty.Version.Next())));

        Assert.Single(results, inserted => inserted);
        var after = await table.ReadAllAsync();
        Assert.Equal(1, after.Version.Version);
        var member = Assert.Single(after.Members).Item1;
        Assert.Equal(SiloStatus.Joining, member.Status);

        // Same identity again, even with the current version: refused, version unchanged.
        Assert.False(await table.InsertRowAsync(member, after.Version.Next()));
        Assert.Equal(1, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task Updates_need_the_current_version_and_exactly_one_racing_update_wins()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet_members");
        var table = await MembershipTables.CreateAsync(connectionString, "update");
        var entry = MembershipTables.Entry(11100, SiloStatus.Joining, Now);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var read = await table.ReadAllAsync();

        var stale = new TableVersion(read.Version.Version, "0");
        entry.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRowAsync(entry, read.Members[0].Item2, stale.Next()));

        var suspecter = MembershipTables.Entry(11101, SiloStatus.Active, Now).SiloAddress;
        var suspicionTime = new DateTime(2025, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        entry.SuspectTimes = [Tuple.Create(suspecter, suspicionTime)];
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            table.UpdateRowAsync(entry, read.Members[0].Item2, read.Version.Next())));
        Assert.Single(results, updated => updated);

        var row = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(2, row.Version.Version);
        var stored = Assert.Single(row.Members).Item1;
        Assert.Equal(SiloStatus.Active, stored.Status);
        var suspicion = Assert.Single(stored.SuspectTimes ?? []);
        Assert.Equal(suspecter, suspicion.Item1);
        Assert.Equal(suspicionTime, suspicion.Item2);

        // A silo that has no row: refused and the version stays.
        var missing = MembershipTables.Entry(11102, SiloStatus.Active, Now);
        Assert.False(await table.UpdateRowAsync(missing, row.Version.VersionEtag, row.Version.Next()));
        Assert.Equal(2, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task A_version_at_the_int32_maximum_refuses_writes_instead_of_overflowing()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet_members");
        var table = await MembershipTables.CreateAsync(connectionString, "max");
        await PostgresServer.ExecuteAsync(connectionString, "UPDATE orleans_membership_version SET version = 2147483647 WHERE deploymentid = 'max'");
        var read = await table.ReadAllAsync();
        Assert.Equal(int.MaxValue, read.Version.Version);

        // Orleans' own TableVersion.Next() throws at this point; the provider only binds the ETag.
        Assert.False(await table.InsertRowAsync(MembershipTables.Entry(11600, SiloStatus.Joining, Now), read.Version));
        Assert.Equal(int.MaxValue, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task Heartbeats_only_move_IAmAliveTime_forward_and_leave_the_version_alone()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet_members");
        var table = await MembershipTables.CreateAsync(connectionString, "heartbeat");
        var entry = MembershipTables.Entry(11200, SiloStatus.Active, Now);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));

        entry.IAmAliveTime = Now.AddSeconds(30);
        await table.UpdateIAmAliveAsync(entry);
        entry.IAmAliveTime = Now.AddSeconds(10);
        await table.UpdateIAmAliveAsync(entry);

        var row = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(1, row.Version.Version);
        Assert.Equal(Truncated(Now.AddSeconds(30)), row.Members[0].Item1.IAmAliveTime);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cleanup_deletes_only_dead_silos_older_than_the_cutoff(bool withSingularKey)
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet_members");
        if (!withSingularKey)
        {
            // Without the optional key the provider falls back to CleanupDefunctSiloEntriesKey.
            await PostgresServer.ExecuteAsync(connectionString, "DELETE FROM orleansquery WHERE querykey = 'CleanupDefunctSiloEntryKey'");
        }

        var table = await MembershipTables.CreateAsync(connectionString, "cleanup");
        var old = Now.AddDays(-10);
        var oldDead = MembershipTables.Entry(11300, SiloStatus.Dead, old);
        var recentDead = MembershipTables.Entry(11301, SiloStatus.Dead, Now);
        var oldActive = MembershipTables.Entry(11302, SiloStatus.Active, old);
        foreach (var entry in new[] { oldDead, recentDead, oldActive })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(Now.AddDays(-7)));

        var remaining = await table.ReadAllAsync();
        Assert.Equal(3, remaining.Version.Version);
        Assert.Equal(
            new[] { recentDead.SiloAddress.Endpoint.Port, oldActive.SiloAddress.Endpoint.Port },
            remaining.Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order());
    }

    [Fact]
    public async Task Gateway_list_holds_only_active_silos_with_a_proxy_port()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet_members");
        var table = await MembershipTables.CreateAsync(connectionString, "gateways");
        var gateway = MembershipTables.Entry(11400, SiloStatus.Active, Now, proxyPort: 21400);
        foreach (var entry in new[]
                 {
                     gateway,
                     MembershipTables.Entry(11401, SiloStatus.Active, Now),
                     MembershipTables.Entry(11402, SiloStatus.Joining, Now, proxyPort: 21402),
                     MembershipTables.Entry(11403, SiloStatus.Dead, Now, proxyPort: 21403),
                 })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        var gateways = await (await MembershipTables.CreateGatewayListAsync(connectionString, "gateways")).GetGateways();

        var uri = Assert.Single(gateways);
        Assert.Equal($"gwy.tcp://127.0.0.1:21400/{gateway.SiloAddress.Generation}", uri.ToString());
    }

    [Fact]
    public async Task Deleting_a_deployment_removes_its_version_and_rows_only()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet_members");
        var doomed = await MembershipTables.CreateAsync(connectionString, "doomed");
        var kept = await MembershipTables.CreateAsync(connectionString, "kept");
        Assert.True(await doomed.InsertRowAsync(MembershipTables.Entry(11500, SiloStatus.Active, Now), (await doomed.ReadAllAsync()).Version.Next()));
        Assert.True(await kept.InsertRowAsync(MembershipTables.Entry(11501, SiloStatus.Active, Now), (await kept.ReadAllAsync()).Version.Next()));

        await doomed.DeleteMembershipTableEntriesAsync("doomed");

        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(
            connectionString,
            "SELECT (SELECT count(*) FROM orleans_membership WHERE deploymentid = 'doomed') + (SELECT count(*) FROM orleans_membership_version WHERE deploymentid = 'doomed')"));
        Assert.Single((await kept.ReadAllAsync()).Members);
    }

    /// <summary>timestamptz keeps microseconds; .NET ticks are 100 ns.</summary>
    private static DateTime Truncated(DateTime time) => new(time.Ticks - (time.Ticks % 10), DateTimeKind.Utc);
}
