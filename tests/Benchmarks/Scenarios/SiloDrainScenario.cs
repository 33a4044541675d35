using System.Globalization;
using UserEvents.Orleans.Benchmarks.Measuring;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>
/// ours: the silo drains a backlog of N events (same procedure as the peers); done when the sum of
/// <c>kafka_checkpoints</c> reaches N, then checked: exactly N rows.
/// </summary>
public sealed class SiloDrainScenario
{
    public const string Line = "silo: Kafka → Orleans → PostgreSQL, exactly once";

    public const string ClusterTlsLine = Line + ", cluster mutual TLS on";

    public static async Task<ThroughputResult> RunAsync(BenchmarkContext context, SiloUnderTest silo, long events, CancellationToken cancellationToken)
    {
        using var producer = EventProducer.Connect(silo.Kafka.BootstrapServers, silo.Kafka.Topic, context.Plan.Seed);
        var allocatedAtStart = await silo.AllocatedBytesAsync(cancellationToken);
        var result = await BacklogDrain.RunAsync(
            silo.Kafka,
            producer,
            events,
            () => silo.Watcher.Sum,
            token => WaitForCheckpointsAsync(silo, events, token),
            silo.Process.ThrowIfExited,
            silo.Process.ProcessId ?? 0,
            prefilled: false,
            cancellationToken);

        var allocatedAtEnd = await silo.AllocatedBytesAsync(cancellationToken);
        await silo.Database.ExpectRowsAsync(events, cancellationToken);
        var committed = silo.Watcher.Sum;
        if (committed != events)
        {
            throw new InvalidOperationException($"checkpoints add up to {committed:N0}, {events:N0} expected");
        }

        return new ThroughputResult(
            Line,
            events,
            result.Elapsed,
            result.Notes + string.Create(CultureInfo.InvariantCulture, $"; silo ready {silo.Startup.TotalSeconds:F1} s after start (not counted)"))
        {
            Cpu = result.Cpu,
            AllocatedBytesPerEvent = SiloAllocations.PerEvent(allocatedAtStart, allocatedAtEnd, events),
        };
    }

    private static async Task<long> WaitForCheckpointsAsync(SiloUnderTest silo, long events, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (silo.Watcher.TimestampWhenSumReached(events) is { } reached)
            {
                return reached;
            }

            await Task.Delay(5, cancellationToken);
        }
    }
}
