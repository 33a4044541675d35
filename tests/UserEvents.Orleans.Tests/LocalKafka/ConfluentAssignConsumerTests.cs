using Confluent.Kafka;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.LocalKafka;

public sealed class ConfluentAssignConsumerTests
{
    [Fact]
    public async Task A_consumer_assigned_to_a_partition_at_offset_0_reads_it_in_order()
    {
        const int Partition = 2;
        const int Count = 1_000;
        await using var kafka = await LocalKafkaBroker.StartAsync();
        var lines = Enumerable.Range(0, Count).Select(i => $"line-{i}").ToList();
        await Kcat.ProduceLinesAsync(kafka.BootstrapServers, kafka.Topic, lines, Partition);

        var config = new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "assign-test",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        using var consumer = new ConsumerBuilder<Ignore, string>(config).Build();
        consumer.Assign(new TopicPartitionOffset(kafka.Topic, Partition, new Offset(0)));

        var read = new List<(long Offset, string Value)>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (read.Count < Count && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                Assert.Equal(Partition, result.Partition.Value);
                read.Add((result.Offset.Value, result.Message.Value));
            }
        }

        consumer.Close();
        Assert.Equal(lines.Select((line, offset) => ((long)offset, line)), read);
    }
}
