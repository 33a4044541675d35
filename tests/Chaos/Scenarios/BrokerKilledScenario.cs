using System.Diagnostics;
using System.Globalization;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 11. The broker killed (-9) under load, mid-flush, and started again a few seconds later, keeping its log: receivers
/// and producers see their connections drop with fetches and produce requests in flight, the broker recovers its log
/// from its segments, and every record must still end up stored once. Only a real broker can show it (LocalKafka comes
/// back empty, which is scenario 3's other half).
/// </summary>
public sealed class BrokerKilledScenario : IChaosScenario
{
    public int Number => 11;

    public string Name => "broker killed -9 and restarted";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        await using var run = await ChaosRun.StartUnderLoadAsync(context, Number, siloSlots: 2, runningSilos: 2, context.Options.AdminConnectionString, spreadOver: 2, cancellationToken);
        if (!run.Broker.KeepsLogAcrossRestart)
        {
            checks.Require(false, "needs a real broker (scripts/chaos.sh --broker real): LocalKafka loses its log when it dies");
            var (unused, _) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
            return run.Result(this, checks, unused, TimeSpan.Zero, "not run on LocalKafka", elapsed.Elapsed);
        }

        var down = context.Pick(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3));
        context.Progress($"killing the broker (-9) for {down.TotalSeconds:F0} s");
        var fault = DateTimeOffset.UtcNow;
        await run.Broker.KillAsync();
        await Task.Delay(down, cancellationToken);
        await run.Broker.StartAgainAsync(cancellationToken);
        var restartedAfter = DateTimeOffset.UtcNow - fault;
        var resumed = await run.ResumeAndSettleAsync(context, fault, cancellationToken);
        var until = DateTimeOffset.UtcNow;

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        var stall = run.Monitor.LongestStall(fault, until, ChaosRun.Partitions);
        checks.Require(resumed, "not every partition consumed again after the broker came back");
        checks.RequireResumption(stall - restartedAfter);
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return run.Result(this, checks, reconciliation, stall, string.Create(CultureInfo.InvariantCulture, $"broker down {ResultFormat.Seconds(restartedAfter)} (kill -9, then start); owners after: {run.DescribeOwners()}"), elapsed.Elapsed);
    }
}
