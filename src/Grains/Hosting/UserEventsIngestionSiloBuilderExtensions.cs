using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Runtime;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Decoding;
using UserEvents.Orleans.Grains.Stats;
using UserEvents.Orleans.Grains.Telemetry;
using UserEvents.Orleans.Grains.Writing;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Postgres.Events;
using UserEvents.Orleans.Postgres.Leases;
using Orleans.Configuration;
using OrleansKafka.Streaming.Balancing;
using Orleans.Hosting;

namespace UserEvents.Orleans.Grains.Hosting;

/// <summary>Wires the Kafka-to-PostgreSQL pipeline into a silo: stream provider, decoder, checkpoints, writer.</summary>
public static class UserEventsIngestionSiloBuilderExtensions
{
    /// <summary>
    /// Reads the topic of <paramref name="configureKafka"/> into partition streams of <see cref="StreamNames.UserEventsNamespace"/>
    /// and stores them through <paramref name="dataSource"/> exactly once; the stats grains read through it too.
    /// </summary>
    public static ISiloBuilder AddUserEventsIngestion(
        this ISiloBuilder builder,
        NpgsqlDataSource dataSource,
        Action<KafkaStreamOptions> configureKafka,
        Action<GroupCommitOptions>? configureWriter = null,
        int streamCacheSize = SiloKafkaStreamConfigurator.DefaultCacheSize,
        Action<PostgresFlushOptions>? configureFlush = null)
    {
        builder.Services.AddSingleton(dataSource);
        builder.Services.TryAddKeyedSingleton(PostgresDataSourceKeys.Readers, dataSource);
        return builder.AddUserEventsIngestion(configureKafka, configureWriter, streamCacheSize, configureFlush);
    }

    /// <summary>
    /// As above, with the data sources registered by the host: the pipeline's unkeyed <see cref="NpgsqlDataSource"/> and
    /// the stats grains' keyed <see cref="PostgresDataSourceKeys.Readers"/>.
    /// </summary>
    public static ISiloBuilder AddUserEventsIngestion(
        this ISiloBuilder builder,
        Action<KafkaStreamOptions> configureKafka,
        Action<GroupCommitOptions>? configureWriter = null,
        int streamCacheSize = SiloKafkaStreamConfigurator.DefaultCacheSize,
        Action<PostgresFlushOptions>? configureFlush = null)
    {
        builder.AddKafkaStreams(StreamNames.KafkaProvider, kafka => kafka
            .ConfigureKafka(options => options.Configure(o =>
            {
                o.StreamNamespace = StreamNames.UserEventsNamespace;
                configureKafka(o);
            }))
            .UseCheckpointStore<PostgresCheckpointStore>()
            .UseRecordDecoder<UserEventRecordDecoder>()
            .ConfigureCache(streamCacheSize));

        var services = builder.Services;

        // A consumer whose call to the writer timed out will have its batch delivered again: the runtime's cancellation
        // lets the writer drop the abandoned copy (Orleans 10.4.2's default is not to cancel on timeout).
        services.Configure<global::Orleans.Configuration.SiloMessagingOptions>(o => o.CancelRequestOnTimeout = true);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IQueueOwnershipStore, PostgresQueueOwnershipStore>();
        services.AddSingleton<UserEventJsonReader>();
        services.AddSingleton<PostgresBatchCommitter>();
        services.AddMetrics();
        services.TryAddSingleton<IngestionMetrics>();
        services.TryAddSingleton<SiloThroughputCounter>();
        services.AddHostedService<SiloIngestionReporter>();
        var writer = services.AddOptions<GroupCommitOptions>();
        if (configureWriter is not null)
        {
            writer.Configure(configureWriter);
        }

        services.AddTransient<IConfigurationValidator, GroupCommitOptionsValidator>();
        var flush = services.AddOptions<PostgresFlushOptions>();
        if (configureFlush is not null)
        {
            flush.Configure(configureFlush);
        }

        services.AddTransient<IConfigurationValidator, PostgresFlushOptionsValidator>();
        return builder;
    }
}
