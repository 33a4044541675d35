using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;

/// <summary>The client finds its gateways through the ADO.NET gateway list (GatewaysQueryKey).</summary>
public sealed class AdoNetClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        var connectionString = AdoNetTestCluster.ConnectionString(configuration);
        clientBuilder.UseAdoNetClustering(options =>
        {
            options.Invariant = AdoNetTestCluster.Invariant;
            options.ConnectionString = connectionString;
        });
    }
}
