using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>One silo process with HTTP_AUTH_TOKEN set, reading our local Kafka into a fresh database.</summary>
public sealed class TokenProtectedSiloFixture : IAsyncLifetime
{
    public const string Token = "test-token-7f3a9c1e5b2d4086a1c3";

    private KafkaTestBroker kafka = null!;

    public SiloProcess Silo { get; private set; } = null!;

    public Dictionary<string, string> Environment { get; private set; } = null!;

    public Uri Address(string path) => new($"http://127.0.0.1:{Silo.HttpPort}{path}");

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 2);
        var database = await PostgresServer.CreateEmptyDatabaseAsync("access");
        Environment = SiloEnvironment.For(kafka.BootstrapServers, kafka.Topic, database, "access");
        Environment["HTTP_AUTH_TOKEN"] = Token;
        Silo = await SiloProcess.StartAsync("access", Environment);
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
