using System.Collections.Concurrent;

namespace OrleansKafka.Streaming;

/// <summary>
/// The receivers of this silo that exist (their queue is assigned here) but have not started reading yet, with why:
/// what a readiness check and the <c>kafka.receiver.not_started</c> gauge report.
/// </summary>
public sealed class KafkaReceiverStarts
{
    internal KafkaReceiverStarts()
    {
    }

    private readonly ConcurrentDictionary<Tracking, byte> receivers = new();

    /// <summary>The receivers not started now, oldest first.</summary>
    public IReadOnlyList<KafkaReceiverNotStarted> NotStarted() =>
        receivers.Keys
            .Where(r => !r.IsStarted)
            .Select(r => r.Snapshot())
            .OrderBy(r => r.Since)
            .ToList();

    /// <summary>Tracks a receiver from its first start attempt until the returned handle is disposed (the receiver stops).</summary>
    internal Tracking Track(string topic, int partition, DateTimeOffset since)
    {
        var tracking = new Tracking(this, topic, partition, since);
        receivers.TryAdd(tracking, 0);
        return tracking;
    }

    internal sealed class Tracking(KafkaReceiverStarts owner, string topic, int partition, DateTimeOffset since) : IDisposable
    {
        private readonly Lock gate = new();
        private bool started;
        private int failures;
        private string? lastError;

        public bool IsStarted
        {
            get
            {
                lock (gate)
                {
                    return started;
                }
            }
        }

        public void Failed(Exception exception)
        {
            lock (gate)
            {
                failures++;
                lastError = $"{exception.GetType().Name}: {exception.Message}";
            }
        }

        public void Started()
        {
            lock (gate)
            {
                started = true;
            }
        }

        public KafkaReceiverNotStarted Snapshot()
        {
            lock (gate)
            {
                return new KafkaReceiverNotStarted(topic, partition, since, failures, lastError);
            }
        }

        public void Dispose() => owner.receivers.TryRemove(this, out _);
    }
}

/// <summary>A receiver waiting to start since <paramref name="Since"/>, after <paramref name="Failures"/> failed attempts.</summary>
public sealed record KafkaReceiverNotStarted(string Topic, int Partition, DateTimeOffset Since, int Failures, string? LastError);
