using System.Globalization;
using UserEvents.Orleans.Chaos.Infrastructure;
using UserEvents.Orleans.Chaos.Scenarios;

namespace UserEvents.Orleans.Chaos.Rebalancing;

/// <summary>
/// <c>--rebalance-trials N</c>: how fast queues move (issue 9, item 3). Three silos, six partitions, a steady 500 events/s;
/// N cycles, each on the next silo: graceful stop, join, kill -9, join (so N stops, N kills and 2N joins). Every trial
/// waits for the cluster to settle (2/2/2 or 3/3, each reader its assigned owner, every partition committing) before the
/// next. At the end the run is reconciled: lost or duplicated events fail it, a missed timing goal is only printed.
/// </summary>
public static class RebalanceMeasurement
{
    public const int ScenarioNumber = 9;
    private const double Rate = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan TrialTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);

    public static async Task<(IReadOnlyList<MoveTrial> Trials, ScenarioResult Result)> RunAsync(ChaosContext context, int cycles, CancellationToken cancellationToken)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        var checks = new ScenarioChecks();
        var trials = new List<MoveTrial>();
        await using var run = await ChaosRun.StartAsync(context, ScenarioNumber, siloSlots: 3, runningSilos: 3, context.Options.AdminConnectionString, cancellationToken);
        await using var poller = new ClusterPoller(run.DataSource, string.Create(CultureInfo.InvariantCulture, $"chaos{ScenarioNumber}_{context.RunName}"), run.Topic, PollInterval);
        poller.Start();
        run.StartProducer(Rate, ChaosContext.BackgroundMalformedPercent);
        checks.Require(await WaitSettledAsync(poller, cancellationToken), "three silos did not settle at 2/2/2 after the start");

        var cycleDuration = TimeSpan.FromSeconds(90);
        var done = 0;
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            if (context.Options.RebalanceDeadline is { } deadline && DateTimeOffset.UtcNow + cycleDuration > deadline)
            {
                context.Progress(string.Create(CultureInfo.InvariantCulture, $"stopping after {cycle} of {cycles} cycles: another one (about {cycleDuration.TotalSeconds:F0} s) would end after the deadline {deadline:HH:mm} UTC"));
                break;
            }

            var cycleTimer = System.Diagnostics.Stopwatch.StartNew();
            var silo = run.Silos[cycle % run.Silos.Count];
            var number = cycle + 1;
            trials.Add(await TrialAsync(context, poller, MoveKind.GracefulStop, number, silo, () => silo.StopAsync(cancellationToken), cancellationToken));
            trials.Add(await TrialAsync(context, poller, MoveKind.Join, 2 * number - 1, silo, () => silo.StartAsync(cancellationToken), cancellationToken));
            trials.Add(await TrialAsync(context, poller, MoveKind.Kill, number, silo, silo.KillAsync, cancellationToken));
            trials.Add(await TrialAsync(context, poller, MoveKind.Join, 2 * number, silo, () => silo.StartAsync(cancellationToken), cancellationToken));
            cycleDuration = cycleTimer.Elapsed;
            done++;
        }

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        var result = new ScenarioResult(
            ScenarioNumber,
            "queue move times (join, graceful stop, kill -9)",
            reconciliation,
            null,
            run.Memory.PeakBytes,
            checks.Failures,
            string.Create(CultureInfo.InvariantCulture, $"{done} of {cycles} cycles, {trials.Count} trials, {trials.Count(t => t.Failure is not null)} not measured"),
            elapsed.Elapsed);
        return (trials, result);
    }

    private static async Task<MoveTrial> TrialAsync(
        ChaosContext context, ClusterPoller poller, MoveKind kind, int number, SiloProcess silo, Func<Task> fault, CancellationToken cancellationToken)
    {
        if (!await WaitSettledAsync(poller, cancellationToken))
        {
            context.Progress($"{kind} {number} ({silo.Name}): the cluster did not settle before the trial");
        }

        await Task.Delay(Pause, cancellationToken);
        var before = poller.Latest() ?? throw new InvalidOperationException("no snapshot of the cluster");
        var faultAt = DateTimeOffset.UtcNow;
        var faulting = fault();
        MoveTrial? trial = null;
        var deadline = faultAt + TrialTimeout;
        while (trial is null && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(PollInterval, cancellationToken);
            trial = MoveTrialAnalysis.Analyze(kind, number, silo.Name, silo.SiloPort, faultAt, before, poller.Since(faultAt), ChaosRun.Partitions);
        }

        string? faultError = null;
        try
        {
            await faulting;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            faultError = exception.GetType().Name + ": " + exception.Message.Split(Environment.NewLine)[0];
        }

        // A commit is seen at the next poll: look once more so that the first commit is the one stamped, not a later one.
        await Task.Delay(PollInterval * 2, cancellationToken);
        trial = MoveTrialAnalysis.Analyze(kind, number, silo.Name, silo.SiloPort, faultAt, before, poller.Since(faultAt), ChaosRun.Partitions) ?? trial;
        trial ??= new MoveTrial(kind, number, silo.Name, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 0, 0, "", faultError ?? $"not settled within {TrialTimeout.TotalSeconds:F0} s");
        context.Progress(MoveReport.FormatTrial(trial));
        return trial;
    }

    private static async Task<bool> WaitSettledAsync(ClusterPoller poller, CancellationToken cancellationToken) =>
        await ChaosRun.WaitUntilAsync(
            () => poller.Latest() is { } s && s.IsSettled(ChaosRun.Partitions)
                && s.Checkpoints.Values.All(c => c.UpdatedAt > s.At - TimeSpan.FromSeconds(2)),
            SettleTimeout,
            cancellationToken);
}
