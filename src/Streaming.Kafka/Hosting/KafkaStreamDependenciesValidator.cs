using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OrleansKafka.Streaming.Balancing;

namespace OrleansKafka.Streaming.Hosting;

/// <summary>
/// Stops the silo at start when a service the Kafka provider needs is not registered (keyed by the provider's name or
/// unkeyed), naming each missing one and how to add it, instead of failing later inside Orleans' stream start.
/// </summary>
internal sealed class KafkaStreamDependenciesValidator(IServiceProvider services, string providerName) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var missing = Missing().ToList();
        if (missing.Count > 0)
        {
            throw new OrleansConfigurationException($"Kafka stream provider '{providerName}': {string.Join("; ", missing)}");
        }
    }

    /// <summary>One sentence per missing service.</summary>
    public IEnumerable<string> Missing()
    {
        var keyed = services.GetRequiredService<IServiceProviderIsKeyedService>();
        bool Registered(Type type) => keyed.IsKeyedService(type, providerName) || keyed.IsService(type);

        if (!Registered(typeof(IKafkaRecordDecoder)))
        {
            yield return $"no {nameof(IKafkaRecordDecoder)} is registered: call UseRecordDecoder<T>() on its configurator";
        }

        if (!Registered(typeof(IKafkaCheckpointStore)))
        {
            yield return $"no {nameof(IKafkaCheckpointStore)} is registered: call UseCheckpointStore<T>() on its configurator";
        }

        if (!Registered(typeof(IQueueOwnershipStore)))
        {
            yield return $"no {nameof(IQueueOwnershipStore)} is registered: call UseQueueOwnershipStore<T>() on its configurator (the queue balancer records which silo reads which partition in it)";
        }
    }
}
