using Orleans.TestingHost;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;

/// <summary>One ADO.NET silo on a fresh migrated database, shared by the persistence and reminder tests.</summary>
public sealed class SingleSiloClusterFixture : IAsyncLifetime
{
    private TestCluster? cluster;

    public string ConnectionString { get; private set; } = "";

    public TestCluster Cluster => cluster ?? throw new InvalidOperationException("The cluster is not deployed");

    public IServiceProvider SiloServices =>
        (Cluster.Silos[0] as InProcessSiloHandle ?? throw new InvalidOperationException("The silo is not in-process")).ServiceProvider;

    public string ServiceId => Cluster.Options.ServiceId;

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet");
        cluster = AdoNetTestCluster.Build(ConnectionString, silos: 1);
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SingleSiloClusterCollection : ICollectionFixture<SingleSiloClusterFixture>
{
    public const string Name = "Orleans ADO.NET single silo";
}
