using System.Collections.Concurrent;

namespace OrleansKafka.Streaming;

/// <summary>
/// The running receivers of this silo whose checkpoint has stopped following what they read (nothing of the partition is
/// stored: the sink refuses or cannot commit): what a readiness check and the <c>kafka.receiver.checkpoint.behind</c>
/// gauge report.
/// </summary>
public sealed class KafkaCheckpointProgress
{
    private readonly ConcurrentDictionary<Tracking, byte> receivers = new();

    internal KafkaCheckpointProgress()
    {
    }

    /// <summary>The partitions whose checkpoint has not followed their reads for <see cref="KafkaStreamOptions.StalledCheckpointReportAfter"/>, longest first.</summary>
    public IReadOnlyList<KafkaCheckpointBehind> Behind() =>
        receivers.Keys
            .Select(r => r.Snapshot())
            .OfType<KafkaCheckpointBehind>()
            .OrderByDescending(r => r.For)
            .ToList();

    internal Tracking Track(string topic, int partition, Func<KafkaCheckpointBehind?> snapshot)
    {
        var tracking = new Tracking(this, topic, partition, snapshot);
        receivers.TryAdd(tracking, 0);
        return tracking;
    }

    internal sealed class Tracking(KafkaCheckpointProgress owner, string topic, int partition, Func<KafkaCheckpointBehind?> snapshot) : IDisposable
    {
        public string Topic { get; } = topic;

        public int Partition { get; } = partition;

        public KafkaCheckpointBehind? Snapshot() => snapshot();

        public void Dispose() => owner.receivers.TryRemove(this, out _);
    }
}

/// <summary>
/// A partition whose checkpoint <paramref name="Checkpoint"/> has stayed behind its receiver's position
/// <paramref name="Position"/> for <paramref name="For"/>.
/// </summary>
public sealed record KafkaCheckpointBehind(string Topic, int Partition, long Checkpoint, long Position, TimeSpan For);
