using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using UserEvents.Orleans.Grains.Decoding;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Leases;
using OrleansKafka.Streaming;
using OrleansKafka.Streaming.Balancing;
using OrleansKafka.Streaming.Hosting;
using Orleans.Hosting;

namespace UserEvents.Orleans.Tests.Streaming;

/// <summary>What <see cref="SiloKafkaStreamConfigurator"/> registers, and the start-up check of the provider's dependencies.</summary>
[Trait("Category", "Unit")]
public sealed class KafkaStreamRegistrationTests
{
    private const string Provider = "kafka-under-test";

    [Fact]
    public void A_provider_without_decoder_checkpoint_store_or_ownership_store_stops_the_silo_naming_each()
    {
        using var services = Build(_ => { });

        var error = Assert.Throws<OrleansConfigurationException>(() => DependenciesValidator(services).ValidateConfiguration());

        Assert.StartsWith($"Kafka stream provider '{Provider}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("no IKafkaRecordDecoder is registered: call UseRecordDecoder<T>()", error.Message);
        Assert.Contains("no IKafkaCheckpointStore is registered: call UseCheckpointStore<T>()", error.Message);
        Assert.Contains("no IQueueOwnershipStore is registered", error.Message);
    }

    [Fact]
    public void The_configurator_registers_decoder_and_store_under_the_providers_name_and_sets_the_cache()
    {
        using var services = Build(
            kafka => kafka
                .ConfigureKafka(o => o.Configure(options => options.Topic = "t"))
                .UseRecordDecoder<UserEventRecordDecoder>()
                .UseCheckpointStore<PostgresCheckpointStore>()
                .ConfigureCache(128),
            collection => collection.AddSingleton<IQueueOwnershipStore, PostgresQueueOwnershipStore>());
        var keyed = services.GetRequiredService<IServiceProviderIsKeyedService>();

        DependenciesValidator(services).ValidateConfiguration();

        Assert.True(keyed.IsKeyedService(typeof(IKafkaRecordDecoder), Provider));
        Assert.True(keyed.IsKeyedService(typeof(IKafkaCheckpointStore), Provider));
        Assert.False(keyed.IsService(typeof(IKafkaRecordDecoder)));
        Assert.Equal(128, services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(Provider).CacheSize);
        Assert.Equal("t", services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(Provider).Topic);
    }

    [Fact]
    public void Without_configure_cache_the_provider_caches_its_default()
    {
        using var services = Build(_ => { });

        Assert.Equal(SiloKafkaStreamConfigurator.DefaultCacheSize, services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(Provider).CacheSize);
    }

    private static ServiceProvider Build(Action<SiloKafkaStreamConfigurator> configure, Action<IServiceCollection>? more = null)
    {
        var collection = new ServiceCollection();
        collection.AddOptions();
        collection.AddLogging();
        configure(new SiloKafkaStreamConfigurator(Provider, configureServices => configureServices(collection)));
        more?.Invoke(collection);
        return collection.BuildServiceProvider();
    }

    private static KafkaStreamDependenciesValidator DependenciesValidator(IServiceProvider services) =>
        Assert.Single(services.GetServices<IConfigurationValidator>().OfType<KafkaStreamDependenciesValidator>());
}
