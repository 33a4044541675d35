using Orleans.Runtime;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;
using UserEvents.Orleans.Tests.OrleansAdoNet.Support;
using UserEvents.Orleans.Tests.OrleansAdoNet.TestGrains;

namespace UserEvents.Orleans.Tests.OrleansAdoNet;

/// <summary>A real two-silo cluster whose membership lives only in our PostgreSQL tables.</summary>
public sealed class ClusteringTests
{
    private const int Active = 3;
    private const int Dead = 6;

    [Fact]
    public async Task Two_silos_join_through_the_membership_table_and_a_stopped_silo_is_marked_dead()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet_cluster");
        await using var cluster = AdoNetTestCluster.Build(connectionString, silos: 2);
        await cluster.DeployAsync();
        var clusterId = cluster.Options.ClusterId;

        var activeSilos = await Eventually.Matches(
            () => CountAsync(connectionString, clusterId, "status = 3"), n => n == 2, "both silos Active in orleans_membership");
        Assert.Equal(2, activeSilos);

        // The client found a gateway through GatewaysQueryKey.
        Assert.Equal("hello", await cluster.Client.GetGrain<IEchoGrain>(1).Echo("hello"));

        // Heartbeats (UpdateIAmAlivetimeKey) move iamalivetime past the time the row was last written.
        var versionBefore = await VersionAsync(connectionString, clusterId);
        var (first, second) = (cluster.Silos[0], cluster.Silos[1]);
        var aliveBefore = await IAmAliveAsync(connectionString, clusterId, first.SiloAddress);
        await Eventually.Matches(
            () => IAmAliveAsync(connectionString, clusterId, first.SiloAddress), t => t > aliveBefore, "a heartbeat of the first silo");

        await cluster.StopSiloAsync(second);
        var status = await Eventually.Matches(
            () => StatusAsync(connectionString, clusterId, second.SiloAddress), s => s == Dead, "the stopped silo marked Dead");
        Assert.Equal(Dead, status);
        Assert.Equal(Active, await StatusAsync(connectionString, clusterId, first.SiloAddress));
        Assert.True(await VersionAsync(connectionString, clusterId) > versionBefore, "status changes raise the table version");
        Assert.Equal("still there", await cluster.Client.GetGrain<IEchoGrain>(2).Echo("still there"));
    }

    private static Task<long> CountAsync(string connectionString, string clusterId, string condition) =>
        PostgresServer.ScalarAsync<long>(
            connectionString,
            $"SELECT count(*) FROM orleans_membership WHERE deploymentid = @d AND {condition}",
            ("d", clusterId));

    private static Task<int> VersionAsync(string connectionString, string clusterId) =>
        PostgresServer.ScalarAsync<int>(
            connectionString, "SELECT version FROM orleans_membership_version WHERE deploymentid = @d", ("d", clusterId));

    private static Task<int> StatusAsync(string connectionString, string clusterId, SiloAddress silo) =>
        PostgresServer.ScalarAsync<int>(connectionString, SiloRowSql("status"), SiloRowParameters(clusterId, silo));

    private static Task<DateTime> IAmAliveAsync(string connectionString, string clusterId, SiloAddress silo) =>
        PostgresServer.ScalarAsync<DateTime>(connectionString, SiloRowSql("iamalivetime"), SiloRowParameters(clusterId, silo));

    private static string SiloRowSql(string column) =>
        $"SELECT {column} FROM orleans_membership WHERE deploymentid = @d AND address = @a AND port = @p AND generation = @g";

    private static (string, object)[] SiloRowParameters(string clusterId, SiloAddress silo) =>
        [("d", clusterId), ("a", silo.Endpoint.Address.ToString()), ("p", silo.Endpoint.Port), ("g", silo.Generation)];
}
