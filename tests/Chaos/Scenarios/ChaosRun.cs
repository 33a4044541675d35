using System.Diagnostics;
using System.Globalization;
using Npgsql;
using UserEvents.Orleans.Chaos.Load;
using UserEvents.Orleans.Chaos.Measuring;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// The processes of one scenario: a fresh database, a fresh local Kafka broker (6 partitions), silo slots of which some
/// run, a steady producer, and the monitors (checkpoints every 200 ms, silo memory every 500 ms). Everything it started
/// is stopped and removed on dispose.
/// </summary>
public sealed class ChaosRun : IAsyncDisposable
{
    public const string TopicPrefix = "user-events";
    public const int Partitions = 6;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PinTimeout = TimeSpan.FromSeconds(60);

    private readonly ScratchDatabase database;
    private readonly KafkaTestBroker broker;
    private readonly List<SiloProcess> silos;
    private SteadyProducer? producer;

    private ChaosRun(ScratchDatabase database, KafkaTestBroker broker, List<SiloProcess> silos)
    {
        this.database = database;
        this.broker = broker;
        this.silos = silos;
        Monitor = new CheckpointMonitor(database.DataSource, Topic, PollInterval);
        Memory = new MemorySampler(silos, TimeSpan.FromMilliseconds(500));
    }

    public KafkaTestBroker Broker => broker;

    /// <summary>The topic the run produces to and the silos read (unique per run on a shared real broker).</summary>
    public string Topic => broker.Topic;

    public IReadOnlyList<SiloProcess> Silos => silos;

    public CheckpointMonitor Monitor { get; }

    public MemorySampler Memory { get; }

    public NpgsqlDataSource DataSource => database.DataSource;

    /// <summary>Everything the producers of this run had acknowledged, across broker lives.</summary>
    public ProducedCounts Produced { get; private set; } = ProducedCounts.None;

    /// <summary>
    /// Creates the database (on <paramref name="adminConnectionString"/>) and the broker, starts the first
    /// <paramref name="runningSilos"/> of <paramref name="siloSlots"/> silos and waits until every partition is pinned.
    /// </summary>
    public static async Task<ChaosRun> StartAsync(
        ChaosContext context, int scenario, int siloSlots, int runningSilos, string adminConnectionString, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"chaos{scenario}_{context.RunName}");
        var database = await ScratchDatabase.CreateAsync(adminConnectionString, name, context.Options.KeepDatabases, cancellationToken);
        KafkaTestBroker broker;
        try
        {
            broker = await KafkaTestBroker.StartAsync(TopicPrefix, Partitions, cancellationToken: cancellationToken);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }

        var silos = Enumerable.Range(1, siloSlots)
            .Select(i => new SiloProcess(
                $"silo{i}",
                SiloEnvironment.For(broker.BootstrapServers, broker.Topic, database.ConnectionString, name, migrate: false),
                Path.Combine(context.LogDirectory, string.Create(CultureInfo.InvariantCulture, $"{scenario}-silo{i}.log"))))
            .ToList();
        var run = new ChaosRun(database, broker, silos);
        try
        {
            await Task.WhenAll(silos.Take(runningSilos).Select(s => s.StartAsync(cancellationToken)));
            run.Monitor.Start();
            run.Memory.Start();
            if (!await WaitUntilAsync(() => run.Monitor.Checkpoints().Count == Partitions, PinTimeout, cancellationToken))
            {
                throw new TimeoutException($"not every partition was pinned within {PinTimeout.TotalSeconds:F0} s:{Environment.NewLine}{silos[0].RecentOutput}");
            }

            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>True when every silo that should own partitions did at the start (<see cref="StartUnderLoadAsync"/>'s spreadOver).</summary>
    public bool OwnersSpread { get; private set; } = true;

    /// <summary>
    /// What most scenarios begin with: <see cref="StartAsync"/>, then (with <paramref name="spreadOver"/> above 0) up to
    /// 30 s for that many silos to own partitions, then the steady producer at the context's rate with the background
    /// share of malformed records, and the warm-up.
    /// </summary>
    public static async Task<ChaosRun> StartUnderLoadAsync(
        ChaosContext context, int scenario, int siloSlots, int runningSilos, string adminConnectionString, int spreadOver, CancellationToken cancellationToken)
    {
        var run = await StartAsync(context, scenario, siloSlots, runningSilos, adminConnectionString, cancellationToken);
        try
        {
            if (spreadOver > 0)
            {
                run.OwnersSpread = await run.WaitUntilOwnersSpreadAsync(spreadOver, TimeSpan.FromSeconds(30), cancellationToken);
            }

            run.StartProducer(context.Rate, ChaosContext.BackgroundMalformedPercent);
            await Task.Delay(context.WarmUp, cancellationToken);
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>The running silo that owns the most partitions: the victim of a kill, a freeze or a lock.</summary>
    public SiloProcess MostLoadedSilo() => silos.Where(s => s.IsRunning).OrderByDescending(OwnedBy).First();

    /// <summary>Waits until every partition moved after <paramref name="since"/> (up to the resume timeout), then the settle time.</summary>
    public async Task<bool> ResumeAndSettleAsync(ChaosContext context, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var resumed = await WaitUntilAllMovedSinceAsync(since, ChaosContext.ResumeTimeout, cancellationToken);
        await Task.Delay(context.Settle, cancellationToken);
        return resumed;
    }

    /// <summary>The scenario's result line, with this run's peak silo memory and the checks that failed.</summary>
    public ScenarioResult Result(
        IChaosScenario scenario, ScenarioChecks checks, Reconciliation? reconciliation, TimeSpan? resumption, string notes, TimeSpan duration) =>
        new(scenario.Number, scenario.Name, reconciliation, resumption, Memory.PeakBytes, checks.Failures, notes, duration);

    public void StartProducer(double eventsPerSecond, double malformedPercent)
    {
        if (producer is not null)
        {
            throw new InvalidOperationException("a producer is running already");
        }

        producer = SteadyProducer.Start(broker.BootstrapServers, Topic, eventsPerSecond, malformedPercent);
    }

    /// <summary>Stops the producer, waits for its delivery reports and adds them to <see cref="Produced"/>.</summary>
    public async Task<ProducedCounts> StopProducerAsync()
    {
        if (producer is null)
        {
            return ProducedCounts.None;
        }

        var counts = await producer.StopAsync();
        await producer.DisposeAsync();
        producer = null;
        Produced = Produced.Add(counts);
        return counts;
    }

    /// <summary>Polls <paramref name="condition"/> every 200 ms; false when it did not hold within <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            if (elapsed.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return true;
    }

    /// <summary>Waits until every partition's checkpoint was seen to move after <paramref name="since"/>.</summary>
    public Task<bool> WaitUntilAllMovedSinceAsync(DateTimeOffset since, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => Monitor.AllMovedSince(since, Partitions), timeout, cancellationToken);

    /// <summary>How many partitions <paramref name="silo"/> owns (<c>kafka_checkpoints.owner</c> names its silo port).</summary>
    public int OwnedBy(SiloProcess silo) =>
        Monitor.Owners().Values.Count(owner => owner?.StartsWith(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{silo.SiloPort}@"), StringComparison.Ordinal) == true);

    /// <summary>"silo1 2, silo2 4": partitions per running silo.</summary>
    public string DescribeOwners() =>
        string.Join(", ", silos.Where(s => s.IsRunning).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {OwnedBy(s)}")));

    /// <summary>Waits until <paramref name="count"/> running silos own partitions.</summary>
    public Task<bool> WaitUntilOwnersSpreadAsync(int count, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => silos.Count(s => s.IsRunning && OwnedBy(s) > 0) >= count, timeout, cancellationToken);

    /// <summary>Waits until each partition's checkpoint equals its high watermark in <paramref name="highWatermarks"/>.</summary>
    public Task<bool> WaitUntilStoredAsync(long[] highWatermarks, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitUntilAsync(
            () =>
            {
                var checkpoints = Monitor.Checkpoints();
                return Enumerable.Range(0, Partitions).All(p => checkpoints.TryGetValue(p, out var c) && c == highWatermarks[p]);
            },
            timeout,
            cancellationToken);

    /// <summary>
    /// The usual end of a scenario: stops the producer, waits (up to <paramref name="drainTimeout"/>) until every record
    /// of the current broker life is stored, and reconciles every life (<paramref name="earlierLives"/> first).
    /// </summary>
    public async Task<(Reconciliation Reconciliation, bool Drained)> FinishAsync(
        TimeSpan drainTimeout, IReadOnlyList<long[]> earlierLives, CancellationToken cancellationToken)
    {
        await StopProducerAsync();
        var highWatermarks = broker.QueryHighWatermarks();
        var drained = await WaitUntilStoredAsync(highWatermarks, drainTimeout, cancellationToken);
        var reconciliation = await ReconciliationQuery.ReadAsync(DataSource, Topic, [.. earlierLives, highWatermarks], cancellationToken);
        return (reconciliation, drained);
    }

    public async ValueTask DisposeAsync()
    {
        if (producer is not null)
        {
            await producer.DisposeAsync();
        }

        await Memory.DisposeAsync();
        await Monitor.DisposeAsync();
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }

        await broker.DisposeAsync();
        await database.DisposeAsync();
    }
}
