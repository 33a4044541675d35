using System.Diagnostics;
using System.Text.RegularExpressions;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// 7. 10% irregular records under load: bad JSON, a missing field, a wrongly typed field, an id out of int range, a
/// 10 KB event_type, invalid UTF-8, an empty value, a null key with a null value (all must be dead letters with a
/// reason), and a valid event with a null key (stored: the key is not part of the event).
/// </summary>
public sealed partial class MalformedEventsScenario : IChaosScenario
{
    public int Number => 7;

    public string Name => "10% malformed records";

    public async Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        var checks = new ScenarioChecks(context.Options.Quick);
        await using var run = await ChaosRun.StartAsync(context, Number, siloSlots: 1, runningSilos: 1, context.Options.AdminConnectionString, cancellationToken);
        run.StartProducer(context.Rate, malformedPercent: 10);
        await Task.Delay(context.WarmUp + context.Settle, cancellationToken);

        var (reconciliation, drained) = await run.FinishAsync(context.DrainTimeout, [], cancellationToken);
        var reasons = reconciliation.RejectedByReason
            .GroupBy(r => Shorten(Digits().Replace(r.Key, "N")), r => r.Value)
            .Select(g => (Reason: g.Key, Count: g.Sum()))
            .OrderByDescending(g => g.Count)
            .ToList();
        checks.Require(reasons.Count >= 8, $"expected a reason for each of the 8 malformed kinds, saw {reasons.Count}");
        checks.RequireExactlyOnce(reconciliation, run.Produced, drained);
        return run.Result(this, checks, reconciliation, null, $"{reasons.Count} kinds of reason: " + string.Join("; ", reasons.Select(r => $"{r.Reason} ×{r.Count}")), elapsed.Elapsed);
    }

    private static string Shorten(string reason) => reason.Length <= 48 ? reason : reason[..45] + "...";

    [GeneratedRegex(@"\d{3,}")]
    private static partial Regex Digits();
}
