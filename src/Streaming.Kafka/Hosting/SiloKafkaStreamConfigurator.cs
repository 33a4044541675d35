using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansKafka.Streaming.Balancing;
using OrleansKafka.Streaming.Hosting;

namespace Orleans.Hosting;

/// <summary>
/// Configures one Kafka stream provider, as Orleans' own provider configurators do: options through
/// <see cref="ConfigureKafka"/>, the provider's dependencies through <see cref="UseCheckpointStore{TStore}"/> and
/// <see cref="UseRecordDecoder{TDecoder}"/>, the cache through <see cref="ConfigureCache"/>. The defaults set here hold the
/// provider's protocol: batches are retried until delivered, consumers subscribe implicitly, queues are spread evenly.
/// </summary>
public sealed class SiloKafkaStreamConfigurator : SiloPersistentStreamConfigurator
{
    /// <summary>Batches Orleans caches per partition unless <see cref="ConfigureCache"/> says otherwise.</summary>
    public const int DefaultCacheSize = 64;

    /// <summary>
    /// A configurator of stream provider <paramref name="name"/> whose services go through <paramref name="configureServicesDelegate"/>;
    /// <see cref="KafkaStreamSiloBuilderExtensions.AddKafkaStreams(ISiloBuilder, string, Action{SiloKafkaStreamConfigurator})"/> makes one.
    /// </summary>
    public SiloKafkaStreamConfigurator(string name, Action<Action<IServiceCollection>> configureServicesDelegate)
        : base(name, configureServicesDelegate, KafkaQueueAdapterFactory.Create)
    {
        ConfigureDelegate(services =>
        {
            services.AddMetrics();
            services.TryAddSingleton(provider => new KafkaReceiverMetrics(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
            services.AddKeyedSingleton<KafkaPartitionReaders>(name);
            services.AddKeyedSingleton(name, (provider, _) => new KafkaTopicPartitionWatch(
                name,
                provider.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name),
                provider.GetRequiredService<KafkaReceiverMetrics>(),
                provider.GetService<TimeProvider>() ?? TimeProvider.System,
                provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<KafkaTopicPartitionWatch>>()));
            services.AddOptions<EvenSpreadBalancerOptions>(name);
            services.AddTransient<IConfigurationValidator>(provider =>
                new EvenSpreadBalancerOptionsValidator(provider.GetRequiredService<IOptionsMonitor<EvenSpreadBalancerOptions>>().Get(name), name));
            services.AddTransient<IConfigurationValidator>(provider =>
                new KafkaStreamOptionsValidator(provider.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name), name));
            services.AddTransient<IConfigurationValidator>(provider => new KafkaStreamDependenciesValidator(provider, name));
        });

        this.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        this.ConfigurePullingAgent(agent => agent.Configure(o =>
        {
            o.MaxEventDeliveryTime = Timeout.InfiniteTimeSpan;
            o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20);
            o.BatchContainerBatchSize = 16;
        }));
        ConfigureCache(DefaultCacheSize);
        this.ConfigureBackoffProvider((services, providerName) =>
        {
            var options = services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(providerName);
            return new CappedDeliveryBackoff(options.MinDeliveryRetryDelay, options.MaxDeliveryRetryDelay);
        });
        this.ConfigurePartitionBalancing(EvenSpreadQueueBalancer.Create);
    }

    /// <summary>The provider's options (topic, stream namespace, connection, batching).</summary>
    public SiloKafkaStreamConfigurator ConfigureKafka(Action<OptionsBuilder<KafkaStreamOptions>> configureOptions)
    {
        this.Configure(configureOptions);
        return this;
    }

    /// <summary>Where the provider's checkpoints live (one per partition, moved with the consumer's writes).</summary>
    public SiloKafkaStreamConfigurator UseCheckpointStore<TStore>()
        where TStore : class, IKafkaCheckpointStore
    {
        ConfigureDelegate(services => services.AddKeyedSingleton<IKafkaCheckpointStore, TStore>(Name));
        return this;
    }

    /// <summary>How the provider turns a Kafka record into a stream item (or a dead letter).</summary>
    public SiloKafkaStreamConfigurator UseRecordDecoder<TDecoder>()
        where TDecoder : class, IKafkaRecordDecoder
    {
        ConfigureDelegate(services => services.AddKeyedSingleton<IKafkaRecordDecoder, TDecoder>(Name));
        return this;
    }

    /// <summary>
    /// Where the cluster's one shared record of which silo reads which partition lives (the balancer's store); an unkeyed
    /// <see cref="IQueueOwnershipStore"/> in the services serves every provider that has none of its own.
    /// </summary>
    public SiloKafkaStreamConfigurator UseQueueOwnershipStore<TStore>()
        where TStore : class, IQueueOwnershipStore
    {
        ConfigureDelegate(services => services.AddKeyedSingleton<IQueueOwnershipStore, TStore>(Name));
        return this;
    }

    /// <summary>Batches Orleans caches per partition before the receiver stops reading (bounds the silo's memory).</summary>
    public SiloKafkaStreamConfigurator ConfigureCache(int cacheSize)
    {
        this.Configure<SimpleQueueCacheOptions>(cache => cache.Configure(o => o.CacheSize = cacheSize));
        return this;
    }
}
