using System.Diagnostics;
using Npgsql;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 8. SIGSTOP one of three silos under load while it is inside a flush (frozen again and again, up to 50 times, until
/// PostgreSQL shows an open transaction of its own): within 30 s none of its sessions holds a checkpoint lock, every
/// partition resumes on the others, and after SIGCONT it writes nothing twice.
/// </summary>
public sealed class FrozenSiloScenario : IChaosScenario
{
    private static readonly TimeSpan LockBound = TimeSpan.FromSeconds(30);

    public int Number => 9;

    public string Name => "SIGSTOP one of three silos mid-flush";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        await using var run = await ChaosRun.StartUnderLoadAsync(context, Number, siloSlots: 3, runningSilos: 3, context.Options.AdminConnectionString, spreadOver: 3, cancellationToken);

        var victim = run.MostLoadedSilo();
        var victimPartitions = run.OwnedBy(victim);
        var pid = victim.ProcessId ?? throw new InvalidOperationException($"{victim.Name} is not running");
        var application = $"user-events-silo-{victim.SiloPort}";
        var tries = 0;
        var inFlush = false;
        while (!inFlush && tries < 50)
        {
            tries++;
            PosixSignals.Freeze(pid);
            inFlush = await CountAsync(run.DataSource, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL", application, cancellationToken) > 0;
            if (!inFlush)
            {
                PosixSignals.Thaw(pid);
                await Task.Delay(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(200)), cancellationToken);
            }
        }

        var fault = DateTimeOffset.UtcNow;
        context.Progress($"froze {victim.Name} (pid {pid}, {victimPartitions} partitions) after {tries} tries, {(inFlush ? "inside a transaction" : "no transaction seen")}");
        var resumed = await run.WaitUntilAllMovedSinceAsync(fault, ChaosContext.ResumeTimeout, cancellationToken);
        var untilBound = LockBound - (DateTimeOffset.UtcNow - fault);
        if (untilBound > TimeSpan.Zero)
        {
            await Task.Delay(untilBound, cancellationToken);
        }

        var locksAfterBound = await CountAsync(
            run.DataSource,
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid JOIN pg_class c ON c.oid = l.relation WHERE a.application_name = $1 AND c.relname = 'kafka_checkpoints'",
            application,
            cancellationToken);
        var resumption = run.Monitor.LongestStall(fault, DateTimeOffset.UtcNow, ChaosRun.Partitions);
        context.Progress($"waking {victim.Name}");
        PosixSignals.Thaw(pid);
        await Task.Delay(context.Settle, cancellationToken);

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        checks.Require(victimPartitions > 0, "the frozen silo owned no partition");
        checks.Require(locksAfterBound == 0, $"{ResultFormat.Seconds(LockBound)} after the freeze the frozen silo still held {locksAfterBound} locks on kafka_checkpoints");
        checks.Require(resumed, "not every partition consumed again after the freeze");
        checks.Require(resumption <= LockBound, $"a partition stalled {ResultFormat.Seconds(resumption)} (goal {ResultFormat.Seconds(LockBound)})");
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return run.Result(this, checks, reconciliation, resumption, $"froze {victim.Name} ({victimPartitions} partitions) after {tries} tries, {(inFlush ? "inside a transaction" : "no open transaction seen")}; checkpoint locks of its sessions {ResultFormat.Seconds(LockBound)} later: {locksAfterBound}", elapsed.Elapsed);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql, string application, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = application });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
