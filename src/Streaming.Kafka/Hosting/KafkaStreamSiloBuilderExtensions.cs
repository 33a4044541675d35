using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using UserEvents.Orleans.Streaming.Kafka.Balancing;

namespace UserEvents.Orleans.Streaming.Kafka.Hosting;

/// <summary>Adds a Kafka persistent-stream provider to a silo.</summary>
public static class KafkaStreamSiloBuilderExtensions
{
    /// <summary>
    /// Adds stream provider <paramref name="name"/> reading <see cref="KafkaStreamOptions.Topic"/>: one Orleans queue per
    /// partition, placed on silos by Orleans' queue balancer. Register an <see cref="IKafkaRecordDecoder"/> and an
    /// <see cref="IKafkaCheckpointStore"/> and an <see cref="IQueueOwnershipStore"/> (keyed by <paramref name="name"/> or unkeyed):
    /// queues are spread evenly by <see cref="EvenSpreadQueueBalancer"/>. Batches are retried until
    /// delivered (<see cref="StreamPullingAgentOptions.MaxEventDeliveryTime"/> is unlimited), and consumers subscribe implicitly.
    /// </summary>
    public static ISiloBuilder AddKafkaStreams(
        this ISiloBuilder builder,
        string name,
        Action<KafkaStreamOptions> configureOptions,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        builder.AddPersistentStreams(name, KafkaQueueAdapterFactory.Create, stream =>
        {
            stream.Configure<KafkaStreamOptions>(options => options.Configure(configureOptions));
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            stream.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.MaxEventDeliveryTime = Timeout.InfiniteTimeSpan;
                o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20);
                o.BatchContainerBatchSize = 16;
            }));
            stream.Configure<SimpleQueueCacheOptions>(cache => cache.Configure(o => o.CacheSize = 64));
            stream.ConfigureBackoffProvider((services, providerName) =>
            {
                var options = services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(providerName);
                return new CappedDeliveryBackoff(options.MinDeliveryRetryDelay, options.MaxDeliveryRetryDelay);
            });
            stream.ConfigurePartitionBalancing(EvenSpreadQueueBalancer.Create);
            configureStream?.Invoke(stream);
        });

        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<KafkaReceiverMetrics>();
        builder.Services.AddKeyedSingleton<KafkaPartitionReaders>(name);
        builder.Services.AddKeyedSingleton(name, (services, _) => new KafkaTopicPartitionWatch(
            name,
            services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name),
            services.GetRequiredService<KafkaReceiverMetrics>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<KafkaTopicPartitionWatch>>()));
        builder.Services.AddOptions<EvenSpreadBalancerOptions>(name);
        builder.Services.AddTransient<IConfigurationValidator>(services =>
            new EvenSpreadBalancerOptionsValidator(services.GetRequiredService<IOptionsMonitor<EvenSpreadBalancerOptions>>().Get(name), name));
        builder.Services.AddTransient<IConfigurationValidator>(services =>
            new KafkaStreamOptionsValidator(services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name), name));
        return builder;
    }
}
