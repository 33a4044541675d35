using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>One silo process reading six partitions of our local Kafka into a fresh database, after it stored <see cref="Produced"/> records.</summary>
public sealed class IngestingSiloFixture : IAsyncLifetime
{
    public string Topic => kafka.Topic;
    public const int Produced = 3_000;
    public const int MalformedEvery = 100;

    private KafkaTestBroker kafka = null!;

    public SiloProcess Silo { get; private set; } = null!;

    public string Database { get; private set; } = "";

    public IngestionAssertions.Totals Totals { get; private set; } = null!;

    public Uri Address(string path) => new($"http://127.0.0.1:{Silo.HttpPort}{path}");

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 6);
        Database = await PostgresServer.CreateEmptyDatabaseAsync("observe");
        Silo = await SiloProcess.StartAsync("observed", SiloEnvironment.For(kafka.BootstrapServers, Topic, Database, "observe"));
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, SampleEvents.Generate(Produced, MalformedEvery));
        Totals = await IngestionAssertions.WaitForStoredAsync(Database, Topic, Produced, TimeSpan.FromSeconds(60), () => Silo.Tail());
    }

    public async Task DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        await kafka.DisposeAsync();
    }
}
