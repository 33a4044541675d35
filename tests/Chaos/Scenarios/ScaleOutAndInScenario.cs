using System.Diagnostics;
using System.Globalization;
using UserEvents.Orleans.Chaos.Measuring;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 5. Scale out from one silo to three under load, then back to one (two graceful stops at once). Resumption: the
/// longest any partition went without consuming, from the scale-out until the producer stopped. With three silos the
/// spread must be 2/2/2, and over <see cref="StoredWindow"/> each silo's writer must store within 30% of what its own
/// receivers read (from each silo's /metrics): the work follows the reads, not only the reading.
/// </summary>
public sealed class ScaleOutAndInScenario : IChaosScenario
{
    private static readonly TimeSpan StoredWindow = TimeSpan.FromSeconds(20);

    public int Number => 5;

    public string Name => "scale out 1 → 3 → 1 silos";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        await using var run = await ChaosRun.StartUnderLoadAsync(context, Number, siloSlots: 3, runningSilos: 1, context.Options.AdminConnectionString, spreadOver: 0, cancellationToken);

        context.Progress("scaling out to three silos");
        var scaleOut = DateTimeOffset.UtcNow;
        var added = run.Silos.Skip(1).ToList();
        await Task.WhenAll(added.Select(s => s.StartAsync(cancellationToken)));
        var spreadTimer = Stopwatch.StartNew();
        var spread = await run.WaitUntilOwnersSpreadAsync(3, TimeSpan.FromSeconds(45), cancellationToken);
        var spreadAfter = DateTimeOffset.UtcNow - scaleOut;
        checks.Require(spread, "the added silos did not get partitions");
        checks.Require(await run.WaitUntilAllMovedSinceAsync(DateTimeOffset.UtcNow, ChaosContext.ResumeTimeout, cancellationToken), "not every partition consumed after the scale-out");
        checks.Require(
            await ChaosRun.WaitUntilAsync(() => added.Prepend(run.Silos[0]).All(s => run.OwnedBy(s) == ChaosRun.Partitions / 3), TimeSpan.FromSeconds(30), cancellationToken),
            $"the spread over three silos is not 2/2/2: {run.DescribeOwners()}");
        await Task.Delay(context.Settle, cancellationToken);
        var owners = run.DescribeOwners();
        var stored = await MeasureStoredVersusReadAsync(run, checks, cancellationToken);

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
        return run.Result(this, checks, reconciliation, resumption, $"three silos owned partitions {ResultFormat.Seconds(spreadAfter)} after the scale-out began ({owners}); stored vs read per silo over {StoredWindow.TotalSeconds:F0} s: {stored}; after the scale-in: {run.DescribeOwners()}", elapsed.Elapsed);
    }

    private static async Task<string> MeasureStoredVersusReadAsync(ChaosRun run, ScenarioChecks checks, CancellationToken cancellationToken)
    {
        var silos = run.Silos.Where(s => s.IsRunning).ToArray();
        var before = await Task.WhenAll(silos.Select(s => SiloIngestionCounters.ScrapeAsync(s.HttpPort, cancellationToken)));
        await Task.Delay(StoredWindow, cancellationToken);
        var after = await Task.WhenAll(silos.Select(s => SiloIngestionCounters.ScrapeAsync(s.HttpPort, cancellationToken)));
        var lines = new List<string>();
        for (var i = 0; i < silos.Length; i++)
        {
            var window = after[i].Since(before[i]);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{silos[i].Name} read {window.RecordsRead} stored {window.EventsStored}"));
            checks.Require(
                window.RecordsRead > 0 && Math.Abs(window.EventsStored - window.RecordsRead) <= 0.3 * window.RecordsRead,
                string.Create(CultureInfo.InvariantCulture, $"{silos[i].Name} stored {window.EventsStored} events while its receivers read {window.RecordsRead} records (more than 30% apart)"));
        }

        return string.Join(", ", lines);
    }
}
