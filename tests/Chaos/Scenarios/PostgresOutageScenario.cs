using System.Diagnostics;
using UserEvents.Orleans.Chaos.Infrastructure;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 2. PostgreSQL (a throwaway cluster of this scenario) stopped under load for 30 s (5 s quick), then started: the silos
/// stall and retry, then catch up; their memory stays bounded.
/// </summary>
public sealed class PostgresOutageScenario : IChaosScenario
{
    public int Number => 2;

    public string Name => "PostgreSQL stopped, then started";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        var outage = context.Pick(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        context.Progress("starting a throwaway PostgreSQL cluster");
        await using var postgres = await ThrowawayPostgres.StartAsync(context.Layout.PostgresScript, cancellationToken);
        await using var run = await ChaosRun.StartAsync(context, Number, siloSlots: context.Pick(2, 1), runningSilos: context.Pick(2, 1), postgres.AdminConnectionString, cancellationToken);
        run.StartProducer(context.Rate, ChaosContext.BackgroundMalformedPercent);
        await Task.Delay(context.WarmUp, cancellationToken);

        var peakBefore = run.Memory.PeakBytes;
        context.Progress($"stopping PostgreSQL on port {postgres.Port} for {ResultFormat.Seconds(outage)}");
        await postgres.StopAsync(cancellationToken);
        await Task.Delay(outage, cancellationToken);
        await postgres.StartAsync(cancellationToken);
        run.DataSource.Clear(); // idle connections to the stopped server are dead
        var restarted = DateTimeOffset.UtcNow;
        var resumed = await run.ResumeAndSettleAsync(context, restarted, cancellationToken);
        var until = DateTimeOffset.UtcNow;

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        var resumption = run.Monitor.LongestStall(restarted, until, ChaosRun.Partitions);
        checks.Require(run.Silos.All(s => s.IsRunning), "a silo exited during the outage");
        checks.Require(resumed, "not every partition consumed again after PostgreSQL came back");
        checks.RequireBoundedMemory(run.Memory.PeakBytes);
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return run.Result(this, checks, reconciliation, resumption, $"down {ResultFormat.Seconds(outage)}; resumption counted from PostgreSQL's restart; peak RSS before the outage {ResultFormat.Mebibytes(peakBefore)}", elapsed.Elapsed);
    }
}
