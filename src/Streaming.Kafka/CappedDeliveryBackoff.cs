using Orleans.Internal;
using Orleans.Runtime.Providers;

namespace OrleansKafka.Streaming;

/// <summary>
/// How long the pulling agent waits before delivering a failed batch again: doubling from <see cref="KafkaStreamOptions.MinDeliveryRetryDelay"/>
/// up to <see cref="KafkaStreamOptions.MaxDeliveryRetryDelay"/>, so a partition resumes within seconds of PostgreSQL coming back.
/// </summary>
internal sealed class CappedDeliveryBackoff(TimeSpan minimum, TimeSpan maximum) : IMessageDeliveryBackoffProvider, IBackoffProvider
{
    public TimeSpan Next(int attempt)
    {
        var exponent = Math.Clamp(attempt, 0, 20);
        var delay = minimum.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(delay, maximum.TotalMilliseconds));
    }
}
