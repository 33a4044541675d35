using System.Diagnostics;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>1. kill -9 the silo that owns the most partitions, of three, under load: its partitions resume on the other two.</summary>
public sealed class KillOneOfThreeSilosScenario : IChaosScenario
{
    public int Number => 1;

    public string Name => "kill -9 one of three silos";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        await using var run = await ChaosRun.StartUnderLoadAsync(context, Number, siloSlots: 3, runningSilos: 3, context.Options.AdminConnectionString, spreadOver: 3, cancellationToken);

        var owners = run.DescribeOwners();
        var victim = run.MostLoadedSilo();
        var victimPartitions = run.OwnedBy(victim);
        context.Progress($"killing {victim.Name} ({owners})");
        var fault = DateTimeOffset.UtcNow;
        await victim.KillAsync();
        var resumed = await run.ResumeAndSettleAsync(context, fault, cancellationToken);
        var until = DateTimeOffset.UtcNow;

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        var resumption = run.Monitor.LongestStall(fault, until, ChaosRun.Partitions);
        // Orleans' consistent-ring balancer may leave a silo without partitions (it hashes, it does not count), so an uneven
        // spread is noted, not failed; what the scenario needs is a victim that owned partitions.
        checks.Require(victimPartitions > 0, "the killed silo owned no partition");
        checks.Require(resumed, "not every partition consumed again after the kill");
        checks.RequireResumption(resumption);
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return run.Result(this, checks, reconciliation, resumption, $"owners before: {owners}{(run.OwnersSpread ? "" : " (uneven: a silo owned none)")}; killed {victim.Name} with {victimPartitions} partitions; after: {run.DescribeOwners()}", elapsed.Elapsed);
    }
}
