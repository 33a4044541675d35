using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 3. The broker restarted. A real broker keeps its log: nothing is reset, and life 1 and life 2 are one log, stored once.
/// LocalKafka comes back empty: the checkpoints now lie beyond the new log's end, and the provider's policy
/// (docs/ARCHITECTURE.md, "Failures") is to move them to the new log's start, record each jump in
/// <c>kafka_offset_resets</c> and store the new log from its start; every life is reconciled on its own. Life 1 is
/// produced under load and stored, then the broker restarts, and once every partition consumes again (on LocalKafka: once
/// every partition recorded its reset) life 2 is produced under load.
/// </summary>
public sealed class BrokerRestartScenario : IChaosScenario
{
    public int Number => 3;

    public string Name => "broker restarted";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        await using var run = await ChaosRun.StartAsync(context, Number, siloSlots: context.Pick(2, 1), runningSilos: context.Pick(2, 1), context.Options.AdminConnectionString, cancellationToken);
        run.StartProducer(context.Rate, ChaosContext.BackgroundMalformedPercent);
        await Task.Delay(context.WarmUp, cancellationToken);
        var life1 = await run.StopProducerAsync();
        var highWatermarks1 = run.Broker.QueryHighWatermarks();
        var stored1 = await run.WaitUntilStoredAsync(highWatermarks1, context.DrainTimeout, cancellationToken);

        context.Progress("restarting the broker");
        await run.Broker.RestartAsync(cancellationToken);
        var restarted = DateTimeOffset.UtcNow;
        var keepsLog = run.Broker.KeepsLogAcrossRestart;
        var reset = keepsLog || await ChaosRun.WaitUntilAsync(() => CountResetPartitions(run.DataSource) == ChaosRun.Partitions, ChaosContext.ResumeTimeout, cancellationToken);
        var resetAfter = DateTimeOffset.UtcNow - restarted;
        run.StartProducer(context.Rate, ChaosContext.BackgroundMalformedPercent);
        var resumed = await run.WaitUntilAllMovedSinceAsync(DateTimeOffset.UtcNow, ChaosContext.ResumeTimeout, cancellationToken);
        await Task.Delay(context.WarmUp, cancellationToken);
        var until = DateTimeOffset.UtcNow;

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, keepsLog ? [] : [highWatermarks1], cancellationToken);
        var life2 = run.Produced.Delivered - life1.Delivered;
        var resets = await ReadResetsAsync(run.DataSource, cancellationToken);
        checks.Require(stored1, "life 1 was not stored before the restart");
        checks.Require(reset, "not every partition recorded its reset after the restart");
        if (keepsLog)
        {
            checks.Require(resets.Count == 0, "a broker that kept its log made partitions reset: " + Describe(resets));
        }
        else
        {
            checks.Require(resets.Count == ChaosRun.Partitions && resets.All(r => r.To == 0 && r.From == highWatermarks1[r.Partition]),
                "expected one reset per partition, from its life-1 checkpoint to 0: " + Describe(resets));
        }

        checks.Require(resumed, "not every partition consumed life 2");
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return run.Result(this, checks, reconciliation, run.Monitor.LongestStall(restarted, until, ChaosRun.Partitions), keepsLog
            ? string.Create(CultureInfo.InvariantCulture, $"produced before and after the restart: {life1.Delivered} + {life2}; the log kept, no reset")
            : string.Create(CultureInfo.InvariantCulture, $"produced per broker life: {life1.Delivered} + {life2}; every partition reset {ResultFormat.Seconds(resetAfter)} after the restart: {Describe(resets)}"), elapsed.Elapsed);
    }

    private static int CountResetPartitions(NpgsqlDataSource dataSource)
    {
        try
        {
            using var command = dataSource.CreateCommand("SELECT count(DISTINCT partition) FROM kafka_offset_resets");
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (NpgsqlException)
        {
            return -1;
        }
    }

    private static async Task<List<(int Partition, long From, long To)>> ReadResetsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT partition, from_offset, to_offset FROM kafka_offset_resets ORDER BY partition, id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var resets = new List<(int, long, long)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            resets.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return resets;
    }

    private static string Describe(List<(int Partition, long From, long To)> resets) =>
        string.Join(", ", resets.Select(r => string.Create(CultureInfo.InvariantCulture, $"p{r.Partition} {r.From}→{r.To}")));
}
