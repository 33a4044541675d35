using Microsoft.Extensions.Configuration;
using Npgsql;
using Orleans.Hosting;
using Orleans.TestingHost;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Hosting;
using Orleans.Configuration;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.EndToEnd;

/// <summary>The pipeline in an Orleans TestCluster of two silos, reading our local Kafka broker over TCP into PostgreSQL.</summary>
[Collection(nameof(ProcessTests))]
public sealed class TestClusterIngestionTests : IAsyncLifetime
{
    private string Topic => kafka.Topic;
    private KafkaTestBroker kafka = null!;
    private string database = "";
    private TestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 6);
        database = await PostgresServer.CreateMigratedDatabaseAsync("cluster");
        var builder = new TestClusterBuilder(2);
        builder.Properties["Kafka"] = kafka.BootstrapServers;
        builder.Properties["KafkaTopic"] = kafka.Topic;
        builder.Properties["Postgres"] = database;
        builder.AddSiloBuilderConfigurator<IngestionSilo>();
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        await kafka.DisposeAsync();
    }

    [Fact]
    public async Task Events_over_six_partitions_are_stored_once_and_the_consumer_grains_account_for_every_row()
    {
        var messages = SampleEvents.Generate(12_000, malformedEvery: 50);

        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, messages);

        var totals = await IngestionAssertions.WaitForStoredAsync(database, Topic, messages.Count, TimeSpan.FromSeconds(60));
        IngestionAssertions.AssertExactlyOnce(totals, messages.Count, SampleEvents.MalformedCount(messages.Count, 50));

        var statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(p => cluster.Client.GetGrain<IPartitionConsumerGrain>(p.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetStatusAsync()));
        Assert.Equal(totals.Events, statuses.Sum(s => s.EventsWritten));
        Assert.Equal(totals.Rejected, statuses.Sum(s => s.RejectionsWritten));
        Assert.All(statuses, s => Assert.Equal(0, s.GapBatches));
    }

    private sealed class IngestionSilo : ISiloConfigurator
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
