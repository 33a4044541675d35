using System.Diagnostics;
using UserEvents.Orleans.Cli.Events;
using UserEvents.Orleans.Cli.Producing;

namespace UserEvents.Orleans.Benchmarks.Workload;

/// <summary>
/// Sends sample events with the CLI's generator and publisher (<c>user-events produce</c>: lz4, linger 10 ms, acks=all,
/// idempotent). The JSON timestamp of each event is the time it was handed to the producer, in epoch milliseconds.
/// <see cref="Connect"/> fetches the metadata first, so the first send does not wait for it.
/// </summary>
public sealed class EventProducer : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(120);

    private readonly KafkaEventPublisher publisher;
    private readonly string topic;
    private readonly int seed;

    private EventProducer(KafkaEventPublisher publisher, string topic, int seed)
    {
        this.publisher = publisher;
        this.topic = topic;
        this.seed = seed;
    }

    public static EventProducer Connect(string bootstrapServers, string topic, int seed)
    {
        var publisher = new KafkaEventPublisher(bootstrapServers, topic);
        try
        {
            if (publisher.CheckConnection(ConnectTimeout) == 0)
            {
                throw new InvalidOperationException($"topic {topic} does not exist on {bootstrapServers}");
            }

            return new EventProducer(publisher, topic, seed);
        }
        catch
        {
            publisher.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> more events at <paramref name="eventsPerSecond"/> (0: as fast as possible), the
    /// generator's sequence from the start, and waits until every one is acknowledged.
    /// </summary>
    public Task<ProduceResult> ProduceAsync(long count, double eventsPerSecond, CancellationToken cancellationToken) =>
        Task.Run(
            async () =>
            {
                var generator = new SampleEventGenerator(seed);
                var before = publisher.Counts;
                var startedAt = DateTimeOffset.UtcNow;
                var started = Stopwatch.GetTimestamp();
                await publisher.PublishAsync(generator.Next, before.Sent + count, new RatePacer(eventsPerSecond), onSent: null, cancellationToken);
                var pending = publisher.Flush(FlushTimeout);
                var elapsed = Stopwatch.GetElapsedTime(started);
                var counts = publisher.Counts;
                cancellationToken.ThrowIfCancellationRequested();
                if (counts.Failed > 0 || pending > 0 || counts.Delivered - before.Delivered != count)
                {
                    throw new InvalidOperationException(
                        $"producing to {topic} failed: {counts.Delivered - before.Delivered} of {count} acknowledged, {counts.Failed} failed, {pending} pending; first error: {counts.FirstError ?? "none"}");
                }

                return new ProduceResult(count, startedAt, elapsed);
            },
            cancellationToken);

    public void Dispose() => publisher.Dispose();
}
