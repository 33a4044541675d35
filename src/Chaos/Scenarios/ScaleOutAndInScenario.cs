using System.Diagnostics;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 5. Scale out from one silo to three under load, then back to one (two graceful stops at once). Resumption: the
/// longest any partition went without consuming, from the scale-out until the producer stopped.
/// </summary>
public sealed class ScaleOutAndInScenario : IChaosScenario
{
    public int Number => 5;

    public string Name => "scale out 1 → 3 → 1 silos";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks();
        await using var run = await ChaosRun.StartAsync(context, Number, siloSlots: 3, runningSilos: 1, context.Options.AdminConnectionString, cancellationToken);
        run.StartProducer(context.Rate, ChaosContext.BackgroundMalformedPercent);
        await Task.Delay(context.WarmUp, cancellationToken);

        context.Progress("scaling out to three silos");
        var scaleOut = DateTimeOffset.UtcNow;
        var added = run.Silos.Skip(1).ToList();
        await Task.WhenAll(added.Select(s => s.StartAsync(cancellationToken)));
        var spreadTimer = Stopwatch.StartNew();
        var spread = await run.WaitUntilOwnersSpreadAsync(3, TimeSpan.FromSeconds(45), cancellationToken);
        var spreadAfter = DateTimeOffset.UtcNow - scaleOut;
        checks.Require(spread, "the added silos did not get partitions");
        checks.Require(await run.WaitUntilAllMovedSinceAsync(DateTimeOffset.UtcNow, ChaosContext.ResumeTimeout, cancellationToken), "not every partition consumed after the scale-out");
        await Task.Delay(context.Settle, cancellationToken);
        var owners = run.DescribeOwners();

        context.Progress("scaling in to one silo");
        await Task.WhenAll(added.Select(s => s.StopAsync(cancellationToken)));
        var scaledIn = DateTimeOffset.UtcNow;
        checks.Require(await run.WaitUntilAllMovedSinceAsync(scaledIn, ChaosContext.ResumeTimeout, cancellationToken), "not every partition consumed after the scale-in");
        await Task.Delay(context.Settle, cancellationToken);
        var until = DateTimeOffset.UtcNow;

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        var resumption = run.Monitor.LongestStall(scaleOut, until, ChaosRun.Partitions);
        checks.Require(run.OwnedBy(run.Silos[0]) == ChaosRun.Partitions, "the remaining silo does not own every partition");
        checks.RequireResumption(resumption);
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return new ScenarioResult(
            Number,
            Name,
            reconciliation,
            resumption,
            run.Memory.PeakBytes,
            checks.Failures,
            $"three silos owned partitions {ResultFormat.Seconds(spreadAfter)} after the scale-out began ({owners}); after the scale-in: {run.DescribeOwners()}",
            elapsed.Elapsed);
    }
}
