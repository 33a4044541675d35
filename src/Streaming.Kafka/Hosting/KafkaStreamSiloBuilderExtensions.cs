using OrleansKafka.Streaming.Balancing;

namespace Orleans.Hosting;

/// <summary>Adds a Kafka persistent-stream provider to a silo.</summary>
public static class KafkaStreamSiloBuilderExtensions
{
    /// <summary>
    /// Adds stream provider <paramref name="name"/>, configured by <paramref name="configure"/>: one Orleans queue per
    /// partition of <see cref="KafkaStreamOptions.Topic"/>, spread evenly by <see cref="EvenSpreadQueueBalancer"/>. The silo
    /// does not start unless a decoder, a checkpoint store and an <see cref="IQueueOwnershipStore"/> are registered.
    /// </summary>
    public static ISiloBuilder AddKafkaStreams(this ISiloBuilder builder, string name, Action<SiloKafkaStreamConfigurator> configure)
    {
        var configurator = new SiloKafkaStreamConfigurator(name, configureServices => configureServices(builder.Services));
        configure(configurator);
        return builder;
    }

    /// <summary>
    /// Adds stream provider <paramref name="name"/> with <paramref name="configureOptions"/>; its decoder, checkpoint store and
    /// <see cref="IQueueOwnershipStore"/> are found in the services (keyed by <paramref name="name"/> or unkeyed).
    /// </summary>
    public static ISiloBuilder AddKafkaStreams(this ISiloBuilder builder, string name, Action<KafkaStreamOptions> configureOptions) =>
        builder.AddKafkaStreams(name, kafka => kafka.ConfigureKafka(options => options.Configure(configureOptions)));
}
