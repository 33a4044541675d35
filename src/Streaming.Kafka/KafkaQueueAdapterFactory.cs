using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace UserEvents.Orleans.Streaming.Kafka;

/// <summary>
/// Creates the Kafka stream provider's parts: one queue per partition of the topic (the count is read from the
/// broker at start and watched afterwards by <see cref="KafkaTopicPartitionWatch"/>), a read-only adapter, Orleans' simple queue cache, and a failure handler that reports loudly.
/// </summary>
public sealed class KafkaQueueAdapterFactory : IQueueAdapterFactory
{
    private readonly string name;
    private readonly string receiverOwner;
    private readonly KafkaStreamOptions options;
    private readonly IKafkaRecordDecoder decoder;
    private readonly IKafkaCheckpointStore checkpoints;
    private readonly TimeProvider time;
    private readonly KafkaReceiverMetrics metrics;
    private readonly ILoggerFactory loggerFactory;
    private readonly IQueueAdapterCache cache;
    private readonly IStreamFailureHandler failureHandler;
    private readonly KafkaTopicPartitionWatch partitionWatch;
    private readonly Lazy<IStreamQueueMapper> queueMapper;

    public KafkaQueueAdapterFactory(
        string name,
        string receiverOwner,
        KafkaStreamOptions options,
        SimpleQueueCacheOptions cacheOptions,
        IKafkaRecordDecoder decoder,
        IKafkaCheckpointStore checkpoints,
        TimeProvider time,
        KafkaReceiverMetrics metrics,
        KafkaTopicPartitionWatch partitionWatch,
        ILoggerFactory loggerFactory)
    {
        this.name = name;
        this.receiverOwner = receiverOwner;
        this.options = options;
        this.decoder = decoder;
        this.checkpoints = checkpoints;
        this.time = time;
        this.metrics = metrics;
        this.partitionWatch = partitionWatch;
        this.loggerFactory = loggerFactory;
        cache = new SimpleQueueAdapterCache(cacheOptions, name, loggerFactory);
        failureHandler = new LoggingDeliveryFailureHandler(loggerFactory.CreateLogger<LoggingDeliveryFailureHandler>());
        queueMapper = new Lazy<IStreamQueueMapper>(CreateQueueMapper);
    }

    /// <summary>The partition count of the topic, read once from the broker.</summary>
    public int PartitionCount => queueMapper.Value.GetAllQueues().Count();

    /// <summary>
    /// The factory Orleans calls for provider <paramref name="name"/>; its services are resolved by name. Receivers
    /// claim their partitions in the checkpoint store for the local silo, named by its address ("ip:port@generation").
    /// </summary>
    public static KafkaQueueAdapterFactory Create(IServiceProvider services, string name) => new(
        name,
        services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString(),
        services.GetOptionsByName<KafkaStreamOptions>(name),
        services.GetOptionsByName<SimpleQueueCacheOptions>(name),
        services.GetKeyedService<IKafkaRecordDecoder>(name) ?? services.GetRequiredService<IKafkaRecordDecoder>(),
        services.GetKeyedService<IKafkaCheckpointStore>(name) ?? services.GetRequiredService<IKafkaCheckpointStore>(),
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        services.GetRequiredService<KafkaReceiverMetrics>(),
        services.GetRequiredKeyedService<KafkaTopicPartitionWatch>(name),
        services.GetRequiredService<ILoggerFactory>());

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        Task.FromResult<IQueueAdapter>(new KafkaQueueAdapter(name, receiverOwner, options, decoder, checkpoints, time, metrics, loggerFactory));

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public IQueueAdapterCache GetQueueAdapterCache() => cache;

    public IStreamQueueMapper GetStreamQueueMapper() => queueMapper.Value;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult(failureHandler);

    private HashRingBasedStreamQueueMapper CreateQueueMapper()
    {
        var logger = loggerFactory.CreateLogger<KafkaQueueAdapterFactory>();
        var partitions = KafkaTopicMetadata.WaitForPartitionCount(options, name, logger, CancellationToken.None);
        logger.LogInformation("Stream provider {Provider}: Kafka topic {Topic} has {Partitions} partitions, one Orleans queue each", name, options.Topic, partitions);
        // Orleans' queue mapper cannot grow: partitions added later are reported by the watch until a rolling restart reads them.
        partitionWatch.Start(partitions);
        return new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = partitions }, name);
    }
}
