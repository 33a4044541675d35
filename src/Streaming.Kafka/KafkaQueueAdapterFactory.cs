using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansKafka.Streaming;

/// <summary>
/// Creates the Kafka stream provider's parts: one queue per partition of the topic (the count is read from the broker in
/// <see cref="CreateAdapter(CancellationToken)"/>, which the silo's start can cancel, and watched afterwards by
/// <see cref="KafkaTopicPartitionWatch"/>), a read-only adapter, Orleans' simple queue cache, and a failure handler that reports loudly.
/// </summary>
internal sealed partial class KafkaQueueAdapterFactory : IQueueAdapterFactory
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
    private HashRingBasedStreamQueueMapper? queueMapper;

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
    }

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

    /// <summary>Reads the topic's partition count (retrying until the topic exists or the silo's start is cancelled), then creates the adapter.</summary>
    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        if (queueMapper is null)
        {
            var logger = loggerFactory.CreateLogger<KafkaQueueAdapterFactory>();
            var partitions = await KafkaTopicMetadata.WaitForPartitionCountAsync(
                options.Connection, options.Topic, options.MetadataTimeout, $"orleans-{name}-metadata", logger, cancellationToken);
            LogPartitions(logger, name, options.Topic, partitions);
            // Orleans' queue mapper cannot grow: partitions added later are reported by the watch until a rolling restart reads them.
            partitionWatch.Start(partitions);
            queueMapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = partitions }, name);
        }

        return new KafkaQueueAdapter(name, receiverOwner, options, decoder, checkpoints, time, metrics, loggerFactory);
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public IQueueAdapterCache GetQueueAdapterCache() => cache;

    /// <summary>The queues, one per partition; Orleans asks for them after <see cref="CreateAdapter(CancellationToken)"/>.</summary>
    public IStreamQueueMapper GetStreamQueueMapper() => queueMapper
        ?? throw new InvalidOperationException($"Kafka stream provider '{name}': the queues are known once CreateAdapter has read the topic's partitions");

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => Task.FromResult(failureHandler);

    [LoggerMessage(EventId = 6160, Level = LogLevel.Information, Message = "Stream provider {Provider}: Kafka topic {Topic} has {Partitions} partitions, one Orleans queue each")]
    private static partial void LogPartitions(ILogger logger, string provider, string topic, int partitions);
}
