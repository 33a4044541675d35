using System.Globalization;
using UserEvents.Orleans.Benchmarks.Cli;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>What every scenario of one run shares: the plan, the built programs, fresh databases and brokers, the log.</summary>
public sealed class BenchmarkContext
{
    public const string Topic = "user-events";

    public BenchmarkContext(BenchmarkPlan plan, RepositoryLayout layout, ProgressLog progress)
    {
        Plan = plan;
        Layout = layout;
        Progress = progress;
        RunId = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd_HHmmss}_{Environment.ProcessId}");
        LogDirectory = Path.Combine(layout.Root, ".local", "bench", RunId);
        Directory.CreateDirectory(LogDirectory);
    }

    public BenchmarkPlan Plan { get; }

    public RepositoryLayout Layout { get; }

    public ProgressLog Progress { get; }

    /// <summary>Names this run's databases (bench_SCENARIO_RUNID) and log folder.</summary>
    public string RunId { get; }

    /// <summary>.local/bench/RUNID: the silo's log.</summary>
    public string LogDirectory { get; }

    /// <summary>A new database bench_<paramref name="scenario"/>_RUNID with the schema of sql/ applied by the project's migrator.</summary>
    public Task<ScratchDatabase> CreateDatabaseAsync(string scenario, CancellationToken cancellationToken) =>
        ScratchDatabase.CreateAsync(Plan.PostgresConnectionString, $"bench_{scenario}_{RunId}", Plan.KeepDatabases, cancellationToken, maxPoolSize: 20);

    /// <summary>A new LocalKafka process with an empty topic of <see cref="BenchmarkPlan.Partitions"/> partitions.</summary>
    public Task<KafkaTestBroker> StartKafkaAsync(CancellationToken cancellationToken) =>
        KafkaTestBroker.StartAsync(Topic, Plan.Partitions, cancellationToken: cancellationToken);
}
