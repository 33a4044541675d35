using System.Diagnostics;
using Npgsql;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 9. An operator adds a CHECK constraint to <c>user_events</c> that one event of the load violates (partition 0, an
/// offset a little ahead of its checkpoint): that event must become a dead letter with the SQLSTATE, everything else is
/// stored, and every partition keeps moving.
/// </summary>
public sealed class RefusedEventScenario : IChaosScenario
{
    private const int Partition = 0;

    public int Number => 10;

    public string Name => "one event PostgreSQL refuses (CHECK constraint)";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        await using var run = await ChaosRun.StartAsync(context, Number, siloSlots: 1, runningSilos: 1, context.Options.AdminConnectionString, cancellationToken);
        run.StartProducer(context.Rate, malformedPercent: 0);
        await Task.Delay(context.WarmUp, cancellationToken);

        // A little ahead of the checkpoint, so the event is produced after the constraint exists and before the drain.
        var refusedOffset = run.Monitor.Checkpoints().GetValueOrDefault(Partition) + (long)(context.Rate / ChaosRun.Partitions * 2);
        context.Progress($"refusing partition {Partition} offset {refusedOffset} with a CHECK constraint");
        // Validated (a partitioned table takes no NOT VALID constraint): no stored row has that offset yet.
        await using (var command = run.DataSource.CreateCommand(
            $"ALTER TABLE user_events ADD CONSTRAINT chaos_refuse_one CHECK (NOT (kafka_partition = {Partition} AND kafka_offset = {refusedOffset}))"))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var added = DateTimeOffset.UtcNow;
        var passed = await ChaosRun.WaitUntilAsync(() => run.Monitor.Checkpoints().GetValueOrDefault(Partition) > refusedOffset, ChaosContext.ResumeTimeout, cancellationToken);
        var resumed = await run.WaitUntilAllMovedSinceAsync(DateTimeOffset.UtcNow, ChaosContext.ResumeTimeout, cancellationToken);
        await Task.Delay(context.Settle, cancellationToken);
        var until = DateTimeOffset.UtcNow;

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        var reason = await ReasonOfAsync(run.DataSource, refusedOffset, cancellationToken);
        checks.Require(passed, $"partition {Partition} did not pass offset {refusedOffset} within {ResultFormat.Seconds(ChaosContext.ResumeTimeout)}");
        checks.Require(resumed, "not every partition consumed again after the refused event");
        checks.Require(reason?.Contains("SQLSTATE 23514", StringComparison.Ordinal) == true, $"the refused event's dead letter says '{reason ?? "nothing: there is none"}'");
        checks.Require(drained, "not every record was stored before the drain timeout");
        checks.Require(run.Produced.Failed == 0, $"{run.Produced.Failed} deliveries failed ({run.Produced.FirstError})");
        checks.Require(reconciliation.Missing == 0, $"{reconciliation.Missing} offsets missing");
        checks.Require(reconciliation.Duplicated == 0, $"{reconciliation.Duplicated} offsets duplicated");
        checks.Require(reconciliation.Unexpected == 0, $"{reconciliation.Unexpected} rows for no produced offset");
        checks.Require(reconciliation.Produced == reconciliation.Stored + reconciliation.Rejected, "produced != stored + rejected");
        checks.Require(reconciliation.Rejected == run.Produced.DeliveredToReject + 1, $"{reconciliation.Rejected} dead letters for {run.Produced.DeliveredToReject} malformed records and 1 refused event");
        return run.Result(this, checks, reconciliation, run.Monitor.LongestStall(added, until, ChaosRun.Partitions), $"offset {Partition}:{refusedOffset} refused, dead letter: {reason}", elapsed.Elapsed);
    }

    private static async Task<string?> ReasonOfAsync(NpgsqlDataSource dataSource, long offset, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT reason FROM user_events_rejected WHERE kafka_partition = $1 AND kafka_offset = $2");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Partition });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = offset });
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }
}
