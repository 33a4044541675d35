using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace UserEvents.Orleans.Testing;

/// <summary>
/// A real Apache Kafka broker (with its ZooKeeper) started from a kit: a folder whose <c>kafka.sh</c> offers
/// <c>start|stop|kill|tool</c> for a <c>KAFKA_PORT</c>, <c>ZK_PORT</c> and <c>KAFKA_DIR</c>, as <c>../shared/real-kafka</c>
/// does. Free ports and a data folder under <c>.local/real-kafka/</c> of its own; the log survives
/// <see cref="StopAsync"/>, <see cref="KillAsync"/> and <see cref="StartAsync(CancellationToken)"/>. Topics are made,
/// grown, trimmed and deleted with Kafka's admin API, as an operator's tools do.
/// </summary>
public sealed class RealKafkaBroker : IAsyncDisposable
{
    /// <summary>The folder of the kit; when set, every broker test of this process runs on a real broker.</summary>
    public const string KitVariable = "USER_EVENTS_TEST_REAL_KAFKA";

    // ZooKeeper 3.8 (Debian's, in the kit) needs Dropwizard metrics, which the kit's libs/ lack: Debian's
    // libdropwizard-metrics-java provides it, appended to the JVM's boot class path.
    private const string DropwizardMetricsJar = "/usr/share/java/metrics-core.jar";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(30);
    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static RealKafkaBroker? shared;

    private readonly string script;
    private readonly int zooKeeperPort;
    private IAdminClient? admin;

    private RealKafkaBroker(string kit, int port, int zooKeeperPort, string dataDirectory)
    {
        script = Path.Combine(kit, "kafka.sh");
        Port = port;
        this.zooKeeperPort = zooKeeperPort;
        DataDirectory = dataDirectory;
    }

    /// <summary>The kit <see cref="KitVariable"/> names, as a full path, or null.</summary>
    public static string? KitFromEnvironment =>
        Environment.GetEnvironmentVariable(KitVariable) is { Length: > 0 } kit ? Path.GetFullPath(kit) : null;

    public int Port { get; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    /// <summary>Where the broker keeps its log, ZooKeeper's data and both processes' logs.</summary>
    public string DataDirectory { get; }

    public bool IsRunning { get; private set; }

    private IAdminClient Admin => admin ??= new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers })
        .SetLogHandler((_, _) => { })
        .Build();

    /// <summary>A broker of its own on free ports, started and answering.</summary>
    public static async Task<RealKafkaBroker> StartNewAsync(string kit, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(kit, "kafka.sh")))
        {
            throw new InvalidOperationException($"{KitVariable}={kit}: no kafka.sh there (see README, 'Two Kafka brokers')");
        }

        var port = FreePort.Next();
        var directory = Path.Combine(RepositoryLayout.Locate().Root, ".local", "real-kafka", port.ToString(CultureInfo.InvariantCulture));
        var broker = new RealKafkaBroker(kit, port, FreePort.Next(), directory);
        try
        {
            await broker.StartAsync(cancellationToken);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>The broker every caller of this process shares (started on first use, killed when the process exits), running.</summary>
    public static async Task<RealKafkaBroker> SharedAsync(string kit, CancellationToken cancellationToken = default)
    {
        await SharedGate.WaitAsync(cancellationToken);
        try
        {
            if (shared is null)
            {
                shared = await StartNewAsync(kit, cancellationToken);
                var broker = shared;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => broker.RunScriptAsync("kill", CancellationToken.None).GetAwaiter().GetResult();
            }
            else if (!shared.IsRunning)
            {
                // A test before this one stopped or killed it and failed before starting it again.
                await shared.StartAsync(cancellationToken);
            }

            return shared;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>Starts ZooKeeper and the broker (the kit waits until the broker answers); the log is kept from before.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await RunScriptAsync("start", cancellationToken);
        IsRunning = true;
    }

    /// <summary>Graceful stop (SIGTERM, controlled shutdown), then ZooKeeper.</summary>
    public async Task StopAsync()
    {
        DisposeAdmin();
        IsRunning = false;
        await RunScriptAsync("stop", CancellationToken.None);
    }

    /// <summary>kill -9 of the broker and ZooKeeper: the next start recovers the log from its segments.</summary>
    public async Task KillAsync()
    {
        DisposeAdmin();
        IsRunning = false;
        await RunScriptAsync("kill", CancellationToken.None);
    }

    /// <summary>Creates a topic and waits until every partition has a leader.</summary>
    public async Task CreateTopicAsync(string topic, int partitions, CancellationToken cancellationToken = default)
    {
        await Admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
        await WaitForPartitionsAsync(topic, partitions, cancellationToken);
    }

    /// <summary>Grows a topic to <paramref name="totalPartitions"/> partitions (Kafka cannot shrink one) and waits for their leaders.</summary>
    public async Task AddPartitionsAsync(string topic, int totalPartitions, CancellationToken cancellationToken = default)
    {
        await Admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = totalPartitions }]);
        await WaitForPartitionsAsync(topic, totalPartitions, cancellationToken);
    }

    /// <summary>Deletes a topic and waits until the broker no longer lists it.</summary>
    public async Task DeleteTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        await Admin.DeleteTopicsAsync([topic]);
        var deadline = DateTime.UtcNow + AdminTimeout;
        while (Admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Any(t => t.Topic == topic && t.Error.Code != ErrorCode.UnknownTopicOrPart))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"topic {topic} still listed {AdminTimeout.TotalSeconds:F0} s after its deletion");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Deletes every record of one partition below <paramref name="beforeOffset"/>, as retention does: the log start moves there.</summary>
    public async Task DeleteRecordsAsync(string topic, int partition, long beforeOffset)
    {
        await Admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, partition, beforeOffset)]);
    }

    public async ValueTask DisposeAsync()
    {
        DisposeAdmin();
        await RunScriptAsync("kill", CancellationToken.None);
        IsRunning = false;
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process of the broker still writing its log as it dies: the folder is git-ignored, test.sh clears it.
        }
    }

    private async Task WaitForPartitionsAsync(string topic, int partitions, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + AdminTimeout;
        while (true)
        {
            var metadata = Admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is { Error.Code: ErrorCode.NoError } && metadata.Partitions.Count == partitions
                && metadata.Partitions.All(p => p.Leader >= 0 && p.Error.Code == ErrorCode.NoError))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"topic {topic} has no leader for each of its {partitions} partitions after {AdminTimeout.TotalSeconds:F0} s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private void DisposeAdmin()
    {
        admin?.Dispose();
        admin = null;
    }

    private async Task RunScriptAsync(string verb, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(verb);
        start.Environment["KAFKA_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["ZK_PORT"] = zooKeeperPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["KAFKA_DIR"] = DataDirectory;
        // Transactions left open (a producer killed) are aborted within a second of their timeout, not 10 s later.
        start.Environment["KAFKA_EXTRA"] = "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000";
        if (File.Exists(DropwizardMetricsJar))
        {
            start.Environment["JDK_JAVA_OPTIONS"] = $"-Xbootclasspath/a:{DropwizardMetricsJar}";
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start bash");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kafka.sh {verb} (port {Port}) did not finish within {ScriptTimeout.TotalSeconds:F0} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"kafka.sh {verb} (port {Port}) exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
