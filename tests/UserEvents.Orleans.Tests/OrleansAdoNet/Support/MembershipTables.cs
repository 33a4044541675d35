using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;

namespace UserEvents.Orleans.Tests.OrleansAdoNet.Support;

/// <summary>Creates the real ADO.NET membership table and gateway list provider outside a silo, and test entries.</summary>
public static class MembershipTables
{
    public static async Task<AdoNetClusteringTable> CreateAsync(string connectionString, string clusterId)
    {
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "membership-tests" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = AdoNetTestCluster.Invariant, ConnectionString = connectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    public static async Task<AdoNetGatewayListProvider> CreateGatewayListAsync(string connectionString, string clusterId)
    {
        var provider = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = AdoNetTestCluster.Invariant, ConnectionString = connectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "membership-tests" }));
        await provider.InitializeGatewayListProvider();
        return provider;
    }

    /// <summary>A silo entry on 127.0.0.1:<paramref name="port"/> with the given status and times.</summary>
    public static MembershipEntry Entry(int port, SiloStatus status, DateTime startTime, int proxyPort = 0) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 42),
        Status = status,
        HostName = "test-host",
        SiloName = $"silo-{port}",
        ProxyPort = proxyPort,
        StartTime = startTime,
        IAmAliveTime = startTime,
        SuspectTimes = [],
    };
}
