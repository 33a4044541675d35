namespace UserEvents.Orleans.Testing;

/// <summary>
/// A topic of its own on a real Apache Kafka broker (usually the process's shared one): a unique name, created with its
/// partitions and deleted again on dispose. Stopping, killing and restarting act on the whole broker (tests that do so
/// run one at a time), and the log survives them.
/// </summary>
public sealed class RealKafkaTopic : KafkaTestBroker
{
    private RealKafkaTopic(RealKafkaBroker broker, string topic, int partitions)
        : base(topic, partitions)
    {
        Broker = broker;
    }

    public RealKafkaBroker Broker { get; }

    public override string Kind => "real";

    public override string BootstrapServers => Broker.BootstrapServers;

    public override bool KeepsLogAcrossRestart => true;

    /// <summary>Creates <paramref name="prefix"/>-&lt;12 hex digits&gt; with <paramref name="partitions"/> partitions.</summary>
    public static async Task<RealKafkaTopic> CreateAsync(RealKafkaBroker broker, string prefix, int partitions, CancellationToken cancellationToken = default)
    {
        var topic = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        await broker.CreateTopicAsync(topic, partitions, cancellationToken);
        return new RealKafkaTopic(broker, topic, partitions);
    }

    /// <summary>Grows the topic to <paramref name="totalPartitions"/> partitions.</summary>
    public override async Task AddPartitionsAsync(int totalPartitions, CancellationToken cancellationToken = default)
    {
        await Broker.AddPartitionsAsync(Topic, totalPartitions, cancellationToken);
        Partitions = totalPartitions;
    }

    public override Task StopAsync() => Broker.StopAsync();

    public override Task StartAgainAsync(CancellationToken cancellationToken = default) => Broker.StartAsync(cancellationToken);

    public override Task KillAsync() => Broker.KillAsync();

    public override async ValueTask DisposeAsync()
    {
        if (Broker.IsRunning)
        {
            await Broker.DeleteTopicAsync(Topic);
        }
    }
}
