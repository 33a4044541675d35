using System.Diagnostics;
using UserEvents.Orleans.Benchmarks.Measuring;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>
/// limit: how fast one Confluent.Kafka consumer, assigned every partition, reads the backlog from the local broker
/// when it does nothing with the records (same drain procedure as the peers and the silo), and the bytes its consuming
/// thread allocates per record: the client's own floor.
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
        long allocated = 0;
        var result = await BacklogDrain.RunAsync(
            kafka,
            producer,
            events,
            () => Interlocked.Read(ref consumed),
            token => Task.Factory.StartNew(
                () =>
                {
                    // This thread runs the consumer alone: its allocations are Confluent.Kafka's per record (a
                    // ConsumeResult, its Message, the value's byte[]), the floor of any consumer built on the client.
                    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                    while (Interlocked.Read(ref consumed) < events)
                    {
                        var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
                        token.ThrowIfCancellationRequested();
                        if (record is not null)
                        {
                            Interlocked.Increment(ref consumed);
                        }
                    }

                    Interlocked.Exchange(ref allocated, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
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
            AllocatedBytesPerEvent = result.Events > 0 ? (double)Interlocked.Read(ref allocated) / result.Events : null,
        };
    }
}
