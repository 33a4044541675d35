using System.Globalization;
using System.Text;

namespace UserEvents.Orleans.Chaos.Rebalancing;

/// <summary>The printed results of <c>--rebalance-trials</c>: one line per trial, a table per kind, a verdict against the goals.</summary>
public static class MoveReport
{
    /// <summary>Issue 9, item 3: from the membership change to the first commit by the new owner of every moved partition.</summary>
    public static readonly TimeSpan MedianGoal = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaxGoal = TimeSpan.FromSeconds(15);

    public static string FormatTrial(MoveTrial t) => t.Failure is not null
        ? Invariant($"{Name(t.Kind)} #{t.Number} ({t.Silo}): NOT MEASURED, {t.Failure}")
        : Invariant($"{Name(t.Kind)} #{t.Number} ({t.Silo}): {Lead(t.Kind)} {S(t.FaultToChange)}; from the change: assigned {S(t.Assigned)}, pinned {S(t.Pinned)}, first commit by the new owner {S(t.Committed)}; moved {t.Moved} (minimal {t.MinimalMoves}), now {t.Spread}");

    public static string Format(IReadOnlyList<MoveTrial> trials)
    {
        var text = new StringBuilder();
        text.AppendLine("| kind | trials | median | p90 | max | partitions moved per trial | moved = Σ max(0, old − new share) | assigned (median / max) | fault → membership change (median / max) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        var verdicts = new List<string>();
        foreach (var kind in Enum.GetValues<MoveKind>())
        {
            var all = trials.Where(t => t.Kind == kind).ToArray();
            var measured = all.Where(t => t.Failure is null).ToArray();
            if (measured.Length == 0)
            {
                text.AppendLine(Invariant($"| {Name(kind)} | 0 of {all.Length} | | | | | | | |"));
                verdicts.Add(Invariant($"{Name(kind)}: not measured"));
                continue;
            }

            var times = measured.Select(t => t.Committed).Order().ToArray();
            var median = Quantile(times, 0.5);
            var p90 = Quantile(times, 0.9);
            var max = times[^1];
            var moved = string.Join(", ", measured.Select(t => t.Moved).Distinct().Order());
            var minimal = measured.Count(t => t.Moved == t.MinimalMoves);
            var assigned = measured.Select(t => t.Assigned).Order().ToArray();
            var change = measured.Select(t => t.FaultToChange).Order().ToArray();
            var trialsCell = measured.Length == all.Length ? Invariant($"{all.Length}") : Invariant($"{measured.Length} of {all.Length}");
            text.AppendLine(Invariant(
                $"| {Name(kind)} | {trialsCell} | {S(median)} | {S(p90)} | {S(max)} | {moved} | {(minimal == measured.Length ? "yes" : $"{minimal} of {measured.Length}")} | {S(Quantile(assigned, 0.5))} / {S(assigned[^1])} | {S(Quantile(change, 0.5))} / {S(change[^1])} |"));
            var medianOk = median <= MedianGoal;
            var maxOk = max <= MaxGoal;
            verdicts.Add(Invariant(
                $"{Name(kind)}: median {S(median)} {(medianOk ? "<=" : ">")} {S(MedianGoal)}{(medianOk ? "" : $" (missed by {S(median - MedianGoal)})")}, max {S(max)} {(maxOk ? "<=" : ">")} {S(MaxGoal)}{(maxOk ? "" : $" (missed by {S(max - MaxGoal)})")}: {(medianOk && maxOk && measured.Length == all.Length ? "goal met" : "GOAL MISSED")}"));
        }

        text.AppendLine();
        text.AppendLine("Goal (issue 9, item 3): from the membership change to the first commit by the new owner of every moved partition, median <= 5 s, max <= 15 s.");
        foreach (var verdict in verdicts)
        {
            text.AppendLine(verdict);
        }

        return text.ToString();
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="q"/> of the values at or below it.</summary>
    private static TimeSpan Quantile(TimeSpan[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Name(MoveKind kind) => kind switch
    {
        MoveKind.Join => "join",
        MoveKind.GracefulStop => "graceful stop",
        _ => "kill -9",
    };

    private static string Lead(MoveKind kind) => kind switch
    {
        MoveKind.Join => "process start → Active",
        MoveKind.GracefulStop => "SIGTERM → no longer Active",
        _ => "SIGKILL → declared Dead",
    };

    private static string S(TimeSpan value) => Invariant($"{value.TotalSeconds:F1} s");

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
