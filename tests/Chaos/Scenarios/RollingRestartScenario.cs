using System.Diagnostics;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 4. Rolling restart under load: each of three silos in turn is stopped gracefully (SIGTERM) and started again; its
/// partitions move to the others and back. Resumption: the longest any partition went without consuming, from the
/// first stop until the producer stopped.
/// </summary>
public sealed class RollingRestartScenario : IChaosScenario
{
    public int Number => 4;

    public string Name => "rolling restart of three silos";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        await using var run = await ChaosRun.StartUnderLoadAsync(context, Number, siloSlots: 3, runningSilos: 3, context.Options.AdminConnectionString, spreadOver: 3, cancellationToken);

        var firstStop = DateTimeOffset.UtcNow;
        var steps = new List<string>();
        foreach (var silo in run.Silos)
        {
            context.Progress($"restarting {silo.Name}");
            var stopping = Stopwatch.StartNew();
            await silo.StopAsync(cancellationToken);
            var stopped = stopping.Elapsed;
            await silo.StartAsync(cancellationToken);
            var joined = DateTimeOffset.UtcNow;
            checks.Require(await run.WaitUntilAllMovedSinceAsync(joined, ChaosContext.ResumeTimeout, cancellationToken), $"not every partition consumed again after {silo.Name} restarted");
            await Task.Delay(context.Settle, cancellationToken);
            steps.Add($"{silo.Name} stopped in {ResultFormat.Seconds(stopped)}, back in {ResultFormat.Seconds(stopping.Elapsed - context.Settle)}");
        }

        var until = DateTimeOffset.UtcNow;
        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        var resumption = run.Monitor.LongestStall(firstStop, until, ChaosRun.Partitions);
        checks.RequireResumption(resumption);
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return run.Result(this, checks, reconciliation, resumption, string.Join("; ", steps) + $"; owners at the end: {run.DescribeOwners()}", elapsed.Elapsed);
    }
}
