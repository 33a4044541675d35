using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.LocalKafka;

/// <summary>One LocalKafka (topic user-events, 6 partitions, free port) shared by the tests of a class.</summary>
public sealed class LocalKafkaFixture : IAsyncLifetime
{
    private LocalKafkaBroker? localKafka;

    public LocalKafkaBroker Kafka => localKafka ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => localKafka = await LocalKafkaBroker.StartAsync();

    public async Task DisposeAsync()
    {
        if (localKafka is not null)
        {
            await localKafka.DisposeAsync();
        }
    }
}
