using System.Diagnostics;
using UserEvents.Orleans.Benchmarks.Measuring;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>
/// ours: a fresh database and broker, and the built silo started as a user would (environment variables only, defaults
/// for every tuning setting, KAFKA_STARTING_OFFSETS=earliest), with a <see cref="CheckpointWatcher"/> on its checkpoints.
/// Ready when every partition's receiver has pinned its checkpoint, i.e. reads.
/// </summary>
public sealed class SiloUnderTest : IAsyncDisposable
{
    public static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private SiloUnderTest(ScratchDatabase database, KafkaTestBroker kafka, SiloProcess process, CheckpointWatcher watcher, TimeSpan startup)
    {
        Database = database;
        Kafka = kafka;
        Process = process;
        Watcher = watcher;
        Startup = startup;
    }

    public ScratchDatabase Database { get; }

    public KafkaTestBroker Kafka { get; }

    public SiloProcess Process { get; }

    public CheckpointWatcher Watcher { get; }

    /// <summary>From process start to every partition pinned.</summary>
    public TimeSpan Startup { get; }

    /// <param name="beforeSilo">Runs against the fresh broker before the silo starts (to pre-produce a backlog).</param>
    /// <param name="clusterTls">Certificate files the silo runs mutual TLS with, or null (the reference runs).</param>
    public static async Task<SiloUnderTest> StartAsync(
        BenchmarkContext context, CancellationToken cancellationToken, Func<KafkaTestBroker, Task>? beforeSilo = null, ClusterCertificateFiles? clusterTls = null)
    {
        // A database name is never reused in a run: a pooled connection to a dropped one would be handed out again.
        var database = await context.CreateDatabaseAsync(beforeSilo is not null ? "ours_prefilled" : clusterTls is not null ? "ours_tls" : "ours", cancellationToken);
        KafkaTestBroker? kafka = null;
        SiloProcess? process = null;
        CheckpointWatcher? watcher = null;
        try
        {
            kafka = await context.StartKafkaAsync(cancellationToken);
            if (beforeSilo is not null)
            {
                await beforeSilo(kafka);
            }

            var started = Stopwatch.GetTimestamp();
            var environment = Environment(context, database, kafka);
            clusterTls?.AddTo(environment);
            process = new SiloProcess("silo", environment, Path.Combine(context.LogDirectory, "silo.log"));
            process.Launch();
            watcher = new CheckpointWatcher(database.DataSource, kafka.Topic, WatchInterval);
            watcher.Start();
            while (watcher.PinnedPartitions < kafka.Partitions)
            {
                process.ThrowIfExited();
                if (Stopwatch.GetElapsedTime(started) > ReadyTimeout)
                {
                    throw new TimeoutException($"the silo did not read all {kafka.Partitions} partitions within {ReadyTimeout.TotalSeconds:F0} s:{System.Environment.NewLine}{process.RecentOutput}");
                }

                await Task.Delay(50, cancellationToken);
            }

            return new SiloUnderTest(database, kafka, process, watcher, Stopwatch.GetElapsedTime(started));
        }
        catch
        {
            await DisposeAllAsync(watcher, process, kafka, database);
            throw;
        }
    }

    /// <summary>The silo's managed allocations since it started (<see cref="SiloAllocations"/>).</summary>
    public Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken) =>
        SiloAllocations.ReadAsync(http, Process.HttpPort, cancellationToken);

    /// <summary>The silo's <c>/metrics</c> page now; null when it does not answer.</summary>
    public Task<string?> MetricsPageAsync(CancellationToken cancellationToken) =>
        SiloMetricsPage.ReadAsync(http, Process.HttpPort, cancellationToken);

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return DisposeAllAsync(Watcher, Process, Kafka, Database);
    }

    private static Dictionary<string, string> Environment(BenchmarkContext context, ScratchDatabase database, KafkaTestBroker kafka)
    {
        var environment = SiloEnvironment.For(kafka.BootstrapServers, kafka.Topic, database.ConnectionString, "bench-" + context.RunId, migrate: false);
        foreach (var (name, value) in context.Plan.SiloEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static async ValueTask DisposeAllAsync(CheckpointWatcher? watcher, SiloProcess? process, KafkaTestBroker? kafka, ScratchDatabase database)
    {
        if (watcher is not null)
        {
            await watcher.DisposeAsync();
        }

        if (process is not null)
        {
            await process.DisposeAsync();
        }

        if (kafka is not null)
        {
            await kafka.DisposeAsync();
        }

        await database.DisposeAsync();
    }
}
