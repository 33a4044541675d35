using UserEvents.Orleans.Testing;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>
/// A test that needs a real Apache Kafka broker (transactions: the mock broker is not what they are proven on): skipped,
/// saying why, unless <see cref="RealKafkaBroker.KitVariable"/> names the kit.
/// </summary>
public sealed class RealKafkaFactAttribute : FactAttribute
{
    public RealKafkaFactAttribute()
    {
        if (RealKafkaBroker.KitFromEnvironment is null)
        {
            Skip = $"needs a real Kafka broker: set {RealKafkaBroker.KitVariable} (README, 'Two Kafka brokers')";
        }
    }
}
