using System.Diagnostics;
using UserEvents.Orleans.Benchmarks.Measuring;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>
/// ours: end-to-end latency at a fixed rate. The producer sends at <c>rate</c> events/s for warm-up + duration, stamping
/// each event's JSON timestamp with its send time (epoch ms); the silo (caught up, same process, table and topic as the
/// drain) stores them. From the rows of the events sent after the warm-up: processed_at - event_timestamp, and the time
/// the row's checkpoint was first seen committed - event_timestamp; per batch, from the silo's histograms over the whole
/// run (warm-up included), Kafka's part of the latency against end to end (<see cref="LatencyStages"/>).
/// </summary>
public sealed class SiloLatencyScenario
{
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    public static async Task<LatencyResult> RunAsync(BenchmarkContext context, SiloUnderTest silo, string line, double eventsPerSecond, CancellationToken cancellationToken)
    {
        var plan = context.Plan;
        var before = silo.Watcher.Sum;
        var highWatermarks = silo.Kafka.QueryWatermarks().Sum(w => w.High.Value);
        if (before != highWatermarks)
        {
            throw new InvalidOperationException($"the silo is not caught up before the run: {before:N0} committed, {highWatermarks:N0} in Kafka");
        }

        var events = (long)Math.Ceiling(eventsPerSecond * (plan.LatencyWarmup + plan.LatencyDuration).TotalSeconds);
        using var producer = EventProducer.Connect(silo.Kafka.BootstrapServers, silo.Kafka.Topic, plan.Seed);
        var pageBefore = await silo.MetricsPageAsync(cancellationToken);
        var produced = await producer.ProduceAsync(events, eventsPerSecond, cancellationToken);
        await WaitForCommittedAsync(silo, before + events, cancellationToken);
        var stages = LatencyStages.Between(pageBefore, await silo.MetricsPageAsync(cancellationToken));

        // A long run can outlast the local broker's 5 MiB per partition: records it dropped before the silo read them
        // move the checkpoints all the same (as lost), so the rows are what says every event was stored.
        await silo.Database.ExpectRowsAsync(before + events, cancellationToken);

        var (processedAt, visible, negative) = await RowLatencies.MeasureAsync(
            silo.Database.DataSource,
            produced.StartedAt + plan.LatencyWarmup,
            produced.FinishedAt + TimeSpan.FromSeconds(1),
            silo.Watcher,
            cancellationToken);
        if (negative > 0)
        {
            context.Progress.Step($"{line}: {negative:N0} rows have processed_at before event_timestamp (clock step?); counted as 0");
        }

        return new LatencyResult(line, eventsPerSecond, produced.EventsPerSecond, processedAt, visible) { Stages = stages };
    }

    private static async Task WaitForCommittedAsync(SiloUnderTest silo, long target, CancellationToken cancellationToken)
    {
        var last = silo.Watcher.Sum;
        var progressed = Stopwatch.GetTimestamp();
        while (last < target)
        {
            silo.Process.ThrowIfExited();
            await Task.Delay(20, cancellationToken);
            var now = silo.Watcher.Sum;
            if (now != last)
            {
                (last, progressed) = (now, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(progressed) > StallTimeout)
            {
                throw new TimeoutException($"no commit for {StallTimeout.TotalSeconds:F0} s at {now:N0} of {target:N0}");
            }
        }
    }
}
