using System.Diagnostics;
using Npgsql;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 6. <c>LOCK TABLE user_events IN ACCESS EXCLUSIVE MODE</c> held in a transaction for 10 s (3 s quick) under load:
/// every flush waits (backpressure: receivers stop reading when the cache is full), nothing grows without bound, and
/// everything is stored once the lock goes.
/// </summary>
public sealed class TableLockScenario : IChaosScenario
{
    public int Number => 6;

    public string Name => "user_events locked (ACCESS EXCLUSIVE)";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        var hold = context.Pick(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3));
        await using var run = await ChaosRun.StartUnderLoadAsync(context, Number, siloSlots: 1, runningSilos: 1, context.Options.AdminConnectionString, spreadOver: 0, cancellationToken);

        var peakBefore = run.Memory.PeakBytes;
        context.Progress($"locking user_events for {ResultFormat.Seconds(hold)}");
        var locked = DateTimeOffset.UtcNow;
        await using (var connection = await run.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var command = new NpgsqlCommand("LOCK TABLE user_events IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await Task.Delay(hold, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var released = DateTimeOffset.UtcNow;
        var stallDuringLock = run.Monitor.LongestStall(locked, released, ChaosRun.Partitions);
        var resumed = await run.ResumeAndSettleAsync(context, released, cancellationToken);
        var until = DateTimeOffset.UtcNow;

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        checks.Require(resumed, "not every partition consumed again after the lock");
        checks.RequireBoundedMemory(run.Memory.PeakBytes);
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return run.Result(this, checks, reconciliation, run.Monitor.LongestStall(released, until, ChaosRun.Partitions), $"locked {ResultFormat.Seconds(released - locked)}, checkpoints stood still up to {ResultFormat.Seconds(stallDuringLock)} of it; resumption counted from the release; peak RSS before the lock {ResultFormat.Mebibytes(peakBefore)}", elapsed.Elapsed);
    }
}
