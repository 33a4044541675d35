using System.Diagnostics;
using System.Globalization;
using Npgsql;
using UserEvents.Orleans.Benchmarks.Infrastructure;
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

    private SiloUnderTest(BenchmarkDatabase database, LocalKafkaBroker kafka, SiloProcess process, CheckpointWatcher watcher, TimeSpan startup)
    {
        Database = database;
        Kafka = kafka;
        Process = process;
        Watcher = watcher;
        Startup = startup;
    }

    public BenchmarkDatabase Database { get; }

    public LocalKafkaBroker Kafka { get; }

    public SiloProcess Process { get; }

    public CheckpointWatcher Watcher { get; }

    /// <summary>From process start to every partition pinned.</summary>
    public TimeSpan Startup { get; }

    public static async Task<SiloUnderTest> StartAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var database = await context.CreateDatabaseAsync("ours", cancellationToken);
        LocalKafkaBroker? kafka = null;
        SiloProcess? process = null;
        CheckpointWatcher? watcher = null;
        try
        {
            kafka = await context.StartKafkaAsync(cancellationToken);
            var started = Stopwatch.GetTimestamp();
            process = SiloProcess.Start(context.Layout.SiloDll, Environment(context, database, kafka), Path.Combine(context.LogDirectory, "silo.log"));
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

    public ValueTask DisposeAsync() => DisposeAllAsync(Watcher, Process, Kafka, Database);

    private static Dictionary<string, string> Environment(BenchmarkContext context, BenchmarkDatabase database, LocalKafkaBroker kafka)
    {
        var postgres = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var environment = new Dictionary<string, string>
        {
            ["KAFKA_BROKER"] = kafka.BootstrapServers,
            ["KAFKA_TOPIC"] = kafka.Topic,
            ["KAFKA_STARTING_OFFSETS"] = "earliest",
            ["POSTGRES_HOST"] = postgres.Host ?? "localhost",
            ["POSTGRES_PORT"] = postgres.Port.ToString(CultureInfo.InvariantCulture),
            ["POSTGRES_DB"] = database.Name,
            ["POSTGRES_USER"] = postgres.Username ?? "postgres",
            ["POSTGRES_PASSWORD"] = postgres.Password ?? "",
            ["ORLEANS_CLUSTER_ID"] = "bench-" + context.RunId,
            ["ORLEANS_ADVERTISED_IP"] = "127.0.0.1",
            ["ORLEANS_SILO_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ORLEANS_GATEWAY_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["HTTP_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in context.Plan.SiloEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static async ValueTask DisposeAllAsync(CheckpointWatcher? watcher, SiloProcess? process, LocalKafkaBroker? kafka, BenchmarkDatabase database)
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
