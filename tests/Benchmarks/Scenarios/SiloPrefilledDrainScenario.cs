using System.Diagnostics;
using System.Globalization;
using UserEvents.Orleans.Benchmarks.Measuring;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>
/// ours, pre-produced: N events are in a fresh broker's log before a fresh silo starts; the clock (and the CPU count)
/// runs from the moment every partition's receiver has pinned its checkpoint, i.e. reads, until the checkpoints sum
/// to N; what was stored before that moment is not counted. Then checked: exactly N rows.
/// </summary>
public static class SiloPrefilledDrainScenario
{
    public const string Line = SiloDrainScenario.Line + ", pre-produced backlog";

    public static async Task<ThroughputResult> RunAsync(BenchmarkContext context, long events, CancellationToken cancellationToken)
    {
        ProduceResult? produced = null;
        await using var silo = await SiloUnderTest.StartAsync(context, cancellationToken, async kafka =>
        {
            using var producer = EventProducer.Connect(kafka.BootstrapServers, kafka.Topic, context.Plan.Seed);
            produced = await producer.ProduceAsync(events, 0, cancellationToken);
            BacklogDrain.ThrowIfRetentionDroppedEvents(kafka);
        });
        var pid = silo.Process.ProcessId ?? throw new InvalidOperationException("the silo exited");
        var allocatedAtStart = await silo.AllocatedBytesAsync(cancellationToken);
        var cpuAtStart = CpuTime.Read(pid);
        var started = Stopwatch.GetTimestamp();
        var storedAtStart = silo.Watcher.Sum;
        var progress = new DrainProgress(() => silo.Watcher.Sum, events);
        long? reached;
        while ((reached = silo.Watcher.TimestampWhenSumReached(events)) is null)
        {
            silo.Process.ThrowIfExited();
            progress.Check();
            await Task.Delay(5, cancellationToken);
        }

        var cpu = CpuTime.Read(pid) - cpuAtStart;
        var allocatedAtEnd = await silo.AllocatedBytesAsync(cancellationToken);
        await silo.Database.ExpectRowsAsync(events, cancellationToken);
        var measured = events - storedAtStart;
        return new ThroughputResult(
            Line,
            measured,
            Stopwatch.GetElapsedTime(started, reached.Value),
            string.Create(CultureInfo.InvariantCulture, $"pre-produced backlog ({produced?.EventsPerSecond:N0}/s, not counted); {storedAtStart:N0} stored before every partition was read (not counted)"))
        {
            Cpu = CpuPerEvent.Of(cpu, measured),
            AllocatedBytesPerEvent = SiloAllocations.PerEvent(allocatedAtStart, allocatedAtEnd, measured),
        };
    }
}
