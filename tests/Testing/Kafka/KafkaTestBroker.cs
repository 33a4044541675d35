using System.Runtime.CompilerServices;
using Confluent.Kafka;

namespace UserEvents.Orleans.Testing;

/// <summary>
/// One topic on a Kafka broker for one test, fixture, chaos run or benchmark: a real Apache Kafka broker when
/// <see cref="RealKafkaBroker.KitVariable"/> names a kit (shared by every caller of this process, each with a topic of its
/// own), else a LocalKafka process of its own (librdkafka's mock cluster). Callers talk to <see cref="BootstrapServers"/>
/// and <see cref="Topic"/> and never assume which one it is, except where the two brokers differ on purpose
/// (<see cref="KeepsLogAcrossRestart"/>).
/// </summary>
public abstract class KafkaTestBroker : IAsyncDisposable
{
    /// <summary>Names the file that <see cref="StartAsync"/> appends "group, broker kind" to, one line per broker started.</summary>
    public const string UsageLogVariable = "USER_EVENTS_TEST_BROKER_LOG";

    protected KafkaTestBroker(string topic, int partitions)
    {
        Topic = topic;
        Partitions = partitions;
    }

    /// <summary><c>real</c> (Apache Kafka) or <c>local</c> (LocalKafka, librdkafka's mock cluster).</summary>
    public abstract string Kind { get; }

    public abstract string BootstrapServers { get; }

    public string Topic { get; }

    public int Partitions { get; protected set; }

    /// <summary>True for a real broker: a restart keeps every partition's log; LocalKafka comes back empty.</summary>
    public abstract bool KeepsLogAcrossRestart { get; }

    /// <summary>True when a real broker is configured for this process (<see cref="RealKafkaBroker.KitVariable"/>).</summary>
    public static bool RealBrokerConfigured => RealKafkaBroker.KitFromEnvironment is not null;

    /// <summary>
    /// A topic of <paramref name="partitions"/> partitions on the broker this process tests against. On LocalKafka the topic
    /// is named <paramref name="topic"/>; on the shared real broker it is <paramref name="topic"/> plus a unique suffix.
    /// </summary>
    public static async Task<KafkaTestBroker> StartAsync(
        string topic = "user-events",
        int partitions = 6,
        CancellationToken cancellationToken = default,
        [CallerFilePath] string caller = "")
    {
        if (RealKafkaBroker.KitFromEnvironment is not { } kit)
        {
            return await LocalKafkaBroker.StartAsync(topic, partitions, cancellationToken: cancellationToken, caller: caller);
        }

        var real = await RealKafkaTopic.CreateAsync(await RealKafkaBroker.SharedAsync(kit, cancellationToken), topic, partitions, cancellationToken);
        RecordUsage(caller, real.Kind);
        return real;
    }

    /// <summary>Graceful stop (SIGTERM); a real broker keeps its log.</summary>
    public abstract Task StopAsync();

    /// <summary>Starts it again after <see cref="StopAsync"/> or <see cref="KillAsync"/>, on the same address.</summary>
    public abstract Task StartAgainAsync(CancellationToken cancellationToken = default);

    /// <summary>kill -9: no clean shutdown. A real broker recovers its log on the next start.</summary>
    public abstract Task KillAsync();

    /// <summary>Stops it and starts it on the same address: a real broker keeps its log, LocalKafka comes back empty.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await StartAgainAsync(cancellationToken);
    }

    /// <summary>
    /// Grows the topic to <paramref name="totalPartitions"/> partitions: a real broker adds them to the topic as
    /// <c>kafka-topics --alter</c> does; LocalKafka, which cannot, restarts on the same port with the new count (and an empty log).
    /// </summary>
    public abstract Task AddPartitionsAsync(int totalPartitions, CancellationToken cancellationToken = default);

    /// <summary>Low and high watermark of every partition, in partition order.</summary>
    public IReadOnlyList<WatermarkOffsets> QueryWatermarks()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "test-watermarks" })
            .SetLogHandler((_, _) => { })
            .Build();
        return Enumerable.Range(0, Partitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)))
            .ToArray();
    }

    /// <summary>The high watermark of every partition, in partition order.</summary>
    public long[] QueryHighWatermarks() => QueryWatermarks().Select(w => w.High.Value).ToArray();

    public abstract ValueTask DisposeAsync();

    /// <summary>"Scaling" for tests/UserEvents.Orleans.Tests/Scaling/X.cs, "Chaos" for tests/Chaos/...: the summary's group.</summary>
    public static string GroupOf(string callerFile)
    {
        var parts = callerFile.Replace('\\', '/').Split('/');
        var tests = Array.LastIndexOf(parts, "tests");
        if (tests < 0 || tests + 1 >= parts.Length)
        {
            return "other";
        }

        return parts[tests + 1] == "UserEvents.Orleans.Tests" && tests + 3 < parts.Length ? parts[tests + 2] : parts[tests + 1];
    }

    /// <summary>Appends the caller's group and the broker kind to the usage log, when <see cref="UsageLogVariable"/> names one.</summary>
    protected static void RecordUsage(string caller, string kind)
    {
        if (Environment.GetEnvironmentVariable(UsageLogVariable) is { Length: > 0 } log)
        {
            File.AppendAllText(log, $"{GroupOf(caller)}\t{kind}{Environment.NewLine}");
        }
    }
}
