using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;

/// <summary>ADO.NET clustering, two grain storages and the ADO.NET reminder table, with short test timings.</summary>
public sealed class AdoNetSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var connectionString = AdoNetTestCluster.ConnectionString(siloBuilder.Configuration);
        siloBuilder
            .UseAdoNetClustering(options =>
            {
                options.Invariant = AdoNetTestCluster.Invariant;
                options.ConnectionString = connectionString;
            })
            .AddAdoNetGrainStorage(AdoNetTestCluster.KeepOnClearStorage, options =>
            {
                options.Invariant = AdoNetTestCluster.Invariant;
                options.ConnectionString = connectionString;
                options.DeleteStateOnClear = false;
            })
            .AddAdoNetGrainStorage(AdoNetTestCluster.DeleteOnClearStorage, options =>
            {
                options.Invariant = AdoNetTestCluster.Invariant;
                options.ConnectionString = connectionString;
                options.DeleteStateOnClear = true;
            })
            .UseAdoNetReminderService(options =>
            {
                options.Invariant = AdoNetTestCluster.Invariant;
                options.ConnectionString = connectionString;
            })
            .Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1))
            .Configure<ClusterMembershipOptions>(options =>
            {
                // Heartbeats (UpdateIAmAlivetimeKey) every second instead of every few minutes.
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
                options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            });
    }
}
