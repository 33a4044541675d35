using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.Hosting;
using Orleans.TestingHost;
using UserEvents.Orleans.Grains.Hosting;
using Orleans.Configuration;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>A one-silo Orleans TestCluster that has ingested <see cref="Produced"/> known events from our local Kafka into PostgreSQL.</summary>
public sealed class StatsClusterFixture : IAsyncLifetime
{
    public string Topic => Kafka.Topic;
    public const int Produced = 3000;
    public const int MalformedEvery = 100;

    public KafkaTestBroker Kafka { get; private set; } = null!;

    public string Database { get; private set; } = "";

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 6);
        Database = await PostgresServer.CreateMigratedDatabaseAsync("stats");
        var builder = new TestClusterBuilder(1);
        builder.Properties["Kafka"] = Kafka.BootstrapServers;
        builder.Properties["KafkaTopic"] = Kafka.Topic;
        builder.Properties["Postgres"] = Database;
        builder.AddSiloBuilderConfigurator<IngestingSilo>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        await Kcat.ProduceAsync(Kafka.BootstrapServers, Topic, StatsEvents.Generate(Produced, MalformedEvery, DateTimeOffset.UtcNow));
        await IngestionAssertions.WaitForStoredAsync(Database, Topic, Produced, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Kafka.DisposeAsync();
    }

    private sealed class IngestingSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = siloBuilder.Configuration;
            siloBuilder.AddUserEventsIngestion(
                NpgsqlDataSource.Create(configuration["Postgres"]!),
                kafka =>
                {
                    kafka.BootstrapServers = configuration["Kafka"]!;
                    kafka.Topic = configuration["KafkaTopic"]!;
                    kafka.StartingOffsets = KafkaStartingOffsets.Earliest;
                });
        }
    }
}
