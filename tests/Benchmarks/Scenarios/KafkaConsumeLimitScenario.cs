using System.Diagnostics;
using UserEvents.Orleans.Benchmarks.Measuring;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>
/// limit: how fast one Confluent.Kafka consumer, assigned every partition, reads the backlog from the local broker
/// when it does nothing with the records (same drain procedure as the peers and the silo).
/// </summary>
public sealed class KafkaConsumeLimitScenario
{
    public const string Line = "Kafka consume only (Confluent, Assign all partitions)";

    public static async Task<ThroughputResult> RunAsync(BenchmarkContext context, long events, CancellationToken cancellationToken)
    {
        await using var kafka = await context.StartKafkaAsync(cancellationToken);
        using var producer = EventProducer.Connect(kafka.BootstrapServers, kafka.Topic, context.Plan.Seed);
        using var consumer = PlainKafkaConsumer.AssignedToAll(kafka.BootstrapServers, kafka.Topic, kafka.Partitions, "bench-consume", autoCommit: false);
        long consumed = 0;
        var result = await BacklogDrain.RunAsync(
            kafka,
            producer,
            events,
            () => Interlocked.Read(ref consumed),
            token => Task.Factory.StartNew(
                () =>
                {
                    while (Interlocked.Read(ref consumed) < events)
                    {
                        var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
                        token.ThrowIfCancellationRequested();
                        if (record is not null)
                        {
                            Interlocked.Increment(ref consumed);
                        }
                    }

                    return Stopwatch.GetTimestamp();
                },
                token,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default),
            () => { },
            Environment.ProcessId,
            prefilled: false,
            cancellationToken);
        consumer.Close();
        return new ThroughputResult(Line, result.Events, result.Elapsed, result.Notes)
        {
            Cpu = result.Cpu,
        };
    }
}
