using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansKafka.Streaming;
using OrleansKafka.Streaming.Balancing;

namespace UserEvents.Orleans.Tests.Streaming;

/// <summary>
/// What <see cref="KafkaStreamSiloBuilderExtensions.AddKafkaStreams"/> registers in a silo's service provider (built, not
/// started; nothing external): the even-spread balancer, the provider's keyed services, its stream settings, and the
/// validators that stop the silo at start naming the bad option.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KafkaStreamsRegistrationTests
{
    private const string Provider = "kafka";

    [Fact]
    public void The_provider_balances_its_queues_with_the_even_spread_balancer()
    {
        using var host = BuildSilo();

        var balancer = host.Services.GetRequiredKeyedService<IStreamQueueBalancer>(Provider);

        Assert.IsType<EvenSpreadQueueBalancer>(balancer);
    }

    [Fact]
    public void The_partition_readers_and_the_partition_watch_are_keyed_by_the_provider_name()
    {
        using var host = BuildSilo();

        Assert.NotNull(host.Services.GetKeyedService<KafkaPartitionReaders>(Provider));
        Assert.NotNull(host.Services.GetKeyedService<KafkaTopicPartitionWatch>(Provider));
        Assert.Null(host.Services.GetKeyedService<KafkaPartitionReaders>("another"));
        Assert.Null(host.Services.GetService<KafkaPartitionReaders>());
        Assert.NotNull(host.Services.GetService<KafkaReceiverMetrics>());
    }

    [Fact]
    public void The_queue_adapter_factory_is_registered_under_the_provider_name()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => AddProvider(silo.UseLocalhostClustering()));

        Assert.Contains(builder.Services, d => d.IsKeyedService && Equals(d.ServiceKey, Provider) && d.ServiceType == typeof(IQueueAdapterFactory));
    }

    [Fact]
    public void The_stream_retries_until_delivered_subscribes_implicitly_and_caches_64_batches()
    {
        using var host = BuildSilo();

        var agent = host.Services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(Provider);
        var pubSub = host.Services.GetRequiredService<IOptionsMonitor<StreamPubSubOptions>>().Get(Provider);
        var cache = host.Services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(Provider);
        var kafka = host.Services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(Provider);

        Assert.Equal(Timeout.InfiniteTimeSpan, agent.MaxEventDeliveryTime);
        Assert.Equal(StreamPubSubType.ImplicitOnly, pubSub.PubSubType);
        Assert.Equal(64, cache.CacheSize);
        Assert.Equal("user-events", kafka.Topic);
        Assert.Equal("127.0.0.1:9092", kafka.BootstrapServers);
    }

    [Fact]
    public void The_stream_configurator_overrides_the_defaults()
    {
        using var host = BuildSilo(configureStream: stream => stream.Configure<SimpleQueueCacheOptions>(cache => cache.Configure(o => o.CacheSize = 8)));

        Assert.Equal(8, host.Services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(Provider).CacheSize);
    }

    [Fact]
    public void Valid_options_pass_every_validator_of_the_provider()
    {
        using var host = BuildSilo();

        var validators = ProviderValidators(host);

        Assert.Contains(validators, v => v is KafkaStreamOptionsValidator);
        Assert.Contains(validators, v => v is EvenSpreadBalancerOptionsValidator);
        Assert.All(validators, v => v.ValidateConfiguration());
    }

    public static TheoryData<string, Action<KafkaStreamOptions>> BadKafkaOptions => new()
    {
        { nameof(KafkaStreamOptions.BootstrapServers), o => o.BootstrapServers = "" },
        { nameof(KafkaStreamOptions.BootstrapServers), o => o.BootstrapServers = "broker-without-port" },
        { nameof(KafkaStreamOptions.Topic), o => o.Topic = "not a topic!" },
        { nameof(KafkaStreamOptions.StreamNamespace), o => o.StreamNamespace = " " },
        { nameof(KafkaStreamOptions.MaxRecordsPerBatch), o => o.MaxRecordsPerBatch = 0 },
        { nameof(KafkaStreamOptions.MaxBatchBytes), o => o.MaxBatchBytes = 10 },
        { nameof(KafkaStreamOptions.PartitionCheckInterval), o => o.PartitionCheckInterval = TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(BadKafkaOptions))]
    public void A_bad_kafka_option_is_rejected_naming_the_option_and_the_provider(string option, Action<KafkaStreamOptions> spoil)
    {
        using var host = BuildSilo(spoil);

        var error = Assert.Throws<OrleansConfigurationException>(() => ValidateAll(host));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{Provider}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_balancer_option_is_rejected_naming_the_option_and_the_provider()
    {
        using var host = BuildSilo(services: s => s.Configure<EvenSpreadBalancerOptions>(Provider, o => o.RefreshPeriod = TimeSpan.Zero));

        var error = Assert.Throws<OrleansConfigurationException>(() => ValidateAll(host));

        Assert.Contains(nameof(EvenSpreadBalancerOptions.RefreshPeriod), error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{Provider}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_providers_get_services_and_validators_of_their_own()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            AddProvider(silo.UseLocalhostClustering());
            silo.AddKafkaStreams("second", o =>
            {
                o.BootstrapServers = "127.0.0.1:9092";
                o.Topic = "bad topic";
                o.StreamNamespace = "second";
            });
        });
        builder.Services.AddSingleton<IQueueOwnershipStore, UnusedOwnershipStore>();
        using var host = builder.Build();

        Assert.NotSame(host.Services.GetRequiredKeyedService<KafkaPartitionReaders>(Provider), host.Services.GetRequiredKeyedService<KafkaPartitionReaders>("second"));
        var error = Assert.Throws<OrleansConfigurationException>(() => ValidateAll(host));
        Assert.Contains("'second'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(KafkaStreamOptions.Topic), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_a_silo_with_a_bad_option_fails_before_it_joins_naming_the_option()
    {
        using var host = BuildSilo(o => o.Topic = "");

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync());

        Assert.Contains(nameof(KafkaStreamOptions.Topic), error.Message, StringComparison.Ordinal);
    }

    private static IHost BuildSilo(
        Action<KafkaStreamOptions>? spoil = null,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => AddProvider(silo.UseLocalhostClustering(), spoil, configureStream));
        builder.Services.AddSingleton<IQueueOwnershipStore, UnusedOwnershipStore>();
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    private static ISiloBuilder AddProvider(
        ISiloBuilder silo, Action<KafkaStreamOptions>? spoil = null, Action<ISiloPersistentStreamConfigurator>? configureStream = null) =>
        silo.AddKafkaStreams(Provider, kafka =>
        {
            kafka.ConfigureKafka(options => options.Configure(o =>
            {
                o.BootstrapServers = "127.0.0.1:9092";
                o.Topic = "user-events";
                o.StreamNamespace = "user-events";
                spoil?.Invoke(o);
            }));
            configureStream?.Invoke(kafka);
        });

    /// <summary>The validators the provider added (Orleans' own ones check the rest of the silo and are not run here).</summary>
    private static IConfigurationValidator[] ProviderValidators(IHost host) =>
        host.Services.GetServices<IConfigurationValidator>()
            .Where(v => v is KafkaStreamOptionsValidator or EvenSpreadBalancerOptionsValidator)
            .ToArray();

    private static void ValidateAll(IHost host)
    {
        foreach (var validator in ProviderValidators(host))
        {
            validator.ValidateConfiguration();
        }
    }

    /// <summary>Resolving the balancer needs a store; these tests never call it.</summary>
    private sealed class UnusedOwnershipStore : IQueueOwnershipStore
    {
        public Task<QueueOwnership> UpdateAsync(string scope, Func<QueueOwnership, QueueOwnership?> decide, CancellationToken cancellationToken) =>
            throw new NotSupportedException("not used by registration tests");
    }
}
