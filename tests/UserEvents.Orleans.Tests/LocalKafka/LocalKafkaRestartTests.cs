using Confluent.Kafka;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.LocalKafka;

public sealed class LocalKafkaRestartTests
{
    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task After_a_restart_on_the_same_port_a_running_producer_reconnects_and_the_topic_is_back_empty()
    {
        await using var kafka = await LocalKafkaBroker.StartAsync();
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            // Quiet: the restart makes librdkafka log disconnects to stderr.
        }).SetLogHandler((_, _) => { }).Build();
        await producer.ProduceAsync(kafka.Topic, new Message<string, string> { Key = "before", Value = "before" });

        await kafka.RestartAsync();

        Assert.Equal(Enumerable.Range(0, kafka.Partitions), await Kcat.ListPartitionsAsync(kafka.BootstrapServers, kafka.Topic));
        Assert.All(await Kcat.WatermarksAsync(kafka.BootstrapServers, kafka.Topic), partition => Assert.Equal(0, partition.High));

        using var timeout = new CancellationTokenSource(ReconnectTimeout);
        var delivered = await producer.ProduceAsync(kafka.Topic, new Message<string, string> { Key = "after", Value = "after" }, timeout.Token);

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        var records = await Kcat.ConsumeAsync(kafka.BootstrapServers, kafka.Topic, 1, TimeSpan.FromSeconds(10));
        Assert.Equal(("after", "after"), (records[0].Key, records[0].Value));
        Assert.Equal(1, (await Kcat.WatermarksAsync(kafka.BootstrapServers, kafka.Topic)).Sum(partition => partition.Count));
    }
}
