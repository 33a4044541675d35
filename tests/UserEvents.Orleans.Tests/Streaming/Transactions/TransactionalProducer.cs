using Confluent.Kafka;

namespace UserEvents.Orleans.Tests.Streaming.Transactions;

/// <summary>A Kafka transactional producer (Confluent.Kafka's transactions API) spreading test events over a topic's partitions in turn.</summary>
internal sealed class TransactionalProducer : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly IProducer<string?, string> producer;
    private readonly string topic;
    private readonly int partitions;

    public TransactionalProducer(string brokers, string topic, int partitions, string transactionalId, TimeSpan transactionTimeout)
    {
        this.topic = topic;
        this.partitions = partitions;
        producer = new ProducerBuilder<string?, string>(new ProducerConfig
        {
            BootstrapServers = brokers,
            TransactionalId = transactionalId,
            TransactionTimeoutMs = (int)transactionTimeout.TotalMilliseconds,
            EnableIdempotence = true,
        }).SetLogHandler((_, _) => { }).Build();
        producer.InitTransactions(Timeout);
    }

    /// <summary>Writes <paramref name="events"/> in one transaction and commits or aborts it.</summary>
    public void Write(IEnumerable<(string? Key, string Value)> events, bool commit)
    {
        Begin(events);
        if (commit)
        {
            producer.CommitTransaction(Timeout);
        }
        else
        {
            producer.AbortTransaction(Timeout);
        }
    }

    /// <summary>Writes <paramref name="events"/> in a transaction and leaves it open (flushed to the broker).</summary>
    public void Begin(IEnumerable<(string? Key, string Value)> events)
    {
        producer.BeginTransaction();
        var index = 0;
        foreach (var (key, value) in events)
        {
            producer.Produce(new TopicPartition(topic, index++ % partitions), new Message<string?, string> { Key = key, Value = value });
        }

        producer.Flush(Timeout);
    }

    public void Dispose() => producer.Dispose();
}
