using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.LocalKafka;

public sealed class KcatRoundTripTests(LocalKafkaFixture fixture) : IClassFixture<LocalKafkaFixture>
{
    private const int MessageCount = 10_000;
    private const int DistinctKeys = 500;

    [Fact]
    public async Task Keyed_messages_produced_with_kcat_all_come_back_spread_over_every_partition_by_key()
    {
        var kafka = fixture.Kafka;
        var sent = Enumerable.Range(0, MessageCount)
            .Select(i => (Key: $"user-{i % DistinctKeys}", Value: $$"""{"seq":{{i}},"user":"user-{{i % DistinctKeys}}"}"""))
            .ToList();

        await Kcat.ProduceAsync(kafka.BootstrapServers, kafka.Topic, sent.Select(message => ((string?)message.Key, message.Value)));
        var received = await Kcat.ConsumeAsync(kafka.BootstrapServers, kafka.Topic, MessageCount, TimeSpan.FromSeconds(20));

        Assert.Equal(
            sent.OrderBy(message => message.Value, StringComparer.Ordinal),
            received.Select(record => (Key: record.Key!, Value: record.Value!)).OrderBy(message => message.Value, StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, kafka.Partitions), received.Select(record => record.Partition).Distinct().Order());
        Assert.All(received.GroupBy(record => record.Key), sameKey => Assert.Single(sameKey.Select(record => record.Partition).Distinct()));
        Assert.All(
            received.GroupBy(record => record.Partition),
            partition => Assert.Equal(Enumerable.Range(0, partition.Count()).Select(offset => (long)offset), partition.Select(record => record.Offset).Order()));

        var watermarks = await Kcat.WatermarksAsync(kafka.BootstrapServers, kafka.Topic);
        Assert.Equal(MessageCount, watermarks.Sum(partition => partition.Count));
    }
}
