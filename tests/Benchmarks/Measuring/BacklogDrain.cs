using System.Diagnostics;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>
/// The procedure of every line that drains a Kafka backlog, so they compare: the consumer under test is connected to
/// an empty topic of a fresh broker, the producer is connected, then the producer sends all the events as fast as it
/// can (lz4). While producing: the consumer reads meanwhile, and the clock runs from the producer's first send to the
/// last event done. Pre-produced: the consumer starts once every event is in the log (lz4 keeps 1M events within the
/// local broker's 5 MiB per partition; a retention drop fails the run), and the clock runs from then. The CPU time of the
/// consumer's process and of PostgreSQL is taken over the same window. A run that makes no progress for a minute fails.
/// </summary>
public static class BacklogDrain
{
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    /// <param name="kafka">Broker and topic, empty.</param>
    /// <param name="producer">Connected to <paramref name="kafka"/>.</param>
    /// <param name="events">Events to produce and wait for.</param>
    /// <param name="done">Events done so far (for progress and stall detection).</param>
    /// <param name="untilDone">Started before the producer; completes with the Stopwatch timestamp of the last event done.</param>
    /// <param name="checkHealthy">Throws when the consumer under test has died.</param>
    /// <param name="consumerProcessId">The process whose CPU time counts as the consumer's.</param>
    /// <param name="prefilled">Produce everything before the consumer starts.</param>
    /// <param name="cancellationToken">Stops everything.</param>
    public static async Task<BacklogDrainResult> RunAsync(
        KafkaTestBroker kafka,
        EventProducer producer,
        long events,
        Func<long> done,
        Func<CancellationToken, Task<long>> untilDone,
        Action checkHealthy,
        int consumerProcessId,
        bool prefilled,
        CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ProduceResult? prefill = null;
        if (prefilled)
        {
            prefill = await producer.ProduceAsync(events, 0, abort.Token);
            ThrowIfRetentionDroppedEvents(kafka);
        }

        var cpuAtStart = CpuTime.Read(consumerProcessId);
        var consuming = untilDone(abort.Token);
        var started = Stopwatch.GetTimestamp();
        var producing = prefill is not null ? Task.FromResult(prefill) : producer.ProduceAsync(events, 0, abort.Token);
        long? producerFinished = null;
        long doneWhenProducerFinished = events;
        var progress = new DrainProgress(done, events);
        try
        {
            while (!consuming.IsCompleted)
            {
                await Task.WhenAny(consuming, Task.Delay(100, cancellationToken));
                if (prefill is null && producerFinished is null && producing.IsCompleted)
                {
                    await producing;
                    producerFinished = Stopwatch.GetTimestamp();
                    doneWhenProducerFinished = done();
                    ThrowIfRetentionDroppedEvents(kafka);
                }

                checkHealthy();
                progress.Check();
            }

            var finished = await consuming;
            var cpu = CpuTime.Read(consumerProcessId) - cpuAtStart;
            var produced = await producing;
            return new BacklogDrainResult(
                events,
                Stopwatch.GetElapsedTime(started, finished),
                produced,
                doneWhenProducerFinished,
                producerFinished is { } at ? Stopwatch.GetElapsedTime(at, finished) : TimeSpan.Zero)
            {
                Cpu = CpuPerEvent.Of(cpu, events),
                Prefilled = prefilled,
            };
        }
        finally
        {
            await abort.CancelAsync();
            await Task.WhenAll(consuming, producing).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    public static void ThrowIfRetentionDroppedEvents(KafkaTestBroker kafka)
    {
        var dropped = kafka.QueryWatermarks().Sum(w => w.Low.Value);
        if (dropped > 0)
        {
            throw new InvalidOperationException(
                $"the local broker's retention (5 MiB per partition) dropped the first {dropped:N0} events of the backlog: use fewer --events or more --partitions");
        }
    }
}
