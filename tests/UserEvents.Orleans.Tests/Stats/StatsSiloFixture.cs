using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>
/// A silo process (as users run it) that has ingested <see cref="Produced"/> known events from our local Kafka into
/// its own PostgreSQL database; shared by the API, CLI and verify tests of <see cref="StatsSiloCollection"/>.
/// </summary>
public sealed class StatsSiloFixture : IAsyncLifetime
{
    public string Topic => Kafka.Topic;
    public const string ClusterId = "stats";
    public const int Produced = 3000;
    public const int MalformedEvery = 100;

    public KafkaTestBroker Kafka { get; private set; } = null!;

    public string Database { get; private set; } = "";

    public SiloProcess Silo { get; private set; } = null!;

    public Dictionary<string, string> Environment { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 6);
        Database = await PostgresServer.CreateEmptyDatabaseAsync("statssilo");
        Environment = SiloEnvironment.For(Kafka.BootstrapServers, Topic, Database, ClusterId);
        Silo = await SiloProcess.StartAsync("stats-silo", Environment);

        await Kcat.ProduceAsync(Kafka.BootstrapServers, Topic, StatsEvents.Generate(Produced, MalformedEvery, DateTimeOffset.UtcNow));
        await IngestionAssertions.WaitForStoredAsync(Database, Topic, Produced, TimeSpan.FromSeconds(60), () => Silo.Tail());
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Kafka.DisposeAsync();
    }
}

[CollectionDefinition(nameof(StatsSiloCollection), DisableParallelization = true)]
public sealed class StatsSiloCollection : ICollectionFixture<StatsSiloFixture>;
