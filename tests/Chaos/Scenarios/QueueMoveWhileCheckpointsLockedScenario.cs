using System.Diagnostics;
using Npgsql;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 8. Three silos under load; <c>kafka_checkpoints</c> locked (ACCESS EXCLUSIVE) for 45 s (35 s quick: still longer than the command timeout) and, 2 s into the lock,
/// the silo owning the most partitions killed (kill -9). Its queues move while no receiver can read a checkpoint, so their
/// receivers fail to start (the silo's command timeout, 30 s, is shorter than the lock) and must retry: once the lock goes,
/// every partition resumes within the goal, nothing missing, nothing twice.
/// </summary>
public sealed class QueueMoveWhileCheckpointsLockedScenario : IChaosScenario
{
    public int Number => 8;

    public string Name => "queue move while kafka_checkpoints is locked";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        var hold = context.Pick(TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(35));
        await using var run = await ChaosRun.StartUnderLoadAsync(context, Number, siloSlots: 3, runningSilos: 3, context.Options.AdminConnectionString, spreadOver: 3, cancellationToken);

        var owners = run.DescribeOwners();
        var victim = run.MostLoadedSilo();
        var victimPartitions = run.OwnedBy(victim);
        context.Progress($"locking kafka_checkpoints for {ResultFormat.Seconds(hold)} and killing {victim.Name} ({owners})");
        var locked = DateTimeOffset.UtcNow;
        await using (var connection = await run.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var command = new NpgsqlCommand("LOCK TABLE kafka_checkpoints IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            await victim.KillAsync();
            await Task.Delay(hold - TimeSpan.FromSeconds(2), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var released = DateTimeOffset.UtcNow;
        var resumed = await run.ResumeAndSettleAsync(context, released, cancellationToken);
        var until = DateTimeOffset.UtcNow;

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        var resumption = run.Monitor.LongestStall(released, until, ChaosRun.Partitions);
        checks.Require(victimPartitions > 0, "the killed silo owned no partition");
        checks.Require(resumed, "not every partition consumed again after the lock");
        checks.RequireResumption(resumption);
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return run.Result(this, checks, reconciliation, resumption, $"owners before: {owners}; killed {victim.Name} with {victimPartitions} partitions 2 s into a {ResultFormat.Seconds(released - locked)} lock; after: {run.DescribeOwners()}; resumption counted from the release", elapsed.Elapsed);
    }
}
