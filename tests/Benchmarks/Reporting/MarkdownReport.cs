using System.Globalization;
using System.Text;

namespace UserEvents.Orleans.Benchmarks.Reporting;

/// <summary>The results as a markdown document: machine, parameters, then one table per section.</summary>
public static class MarkdownReport
{
    public static string Render(BenchmarkReport report)
    {
        var machine = report.Machine;
        var plan = report.Plan;
        var text = new StringBuilder();
        Line(text, $"# UserEvents.Orleans benchmark, {report.StartedAt:yyyy-MM-dd HH:mm zzz}{(plan.IsSmallRun ? " (small run)" : "")}");
        text.AppendLine();
        if (plan.IsSmallRun)
        {
            Line(text, $"**Small run** (N = {plan.Events:N0}): figures show that every line works, not what the system can do.");
            text.AppendLine();
        }

        Line(text, $"- machine: {machine.Cores} cores ({machine.CpuModel}), {machine.MemoryBytes / 1073741824.0:F1} GiB, {machine.OperatingSystem}, {machine.Runtime}");
        Line(text, $"- load average (1/5/15 min): {report.LoadAverageAtStart} at start, {report.LoadAverageAtEnd} at end");
        Line(text, $"- PostgreSQL: {machine.PostgresVersion}");
        Line(text, $"- Kafka: {(RealKafkaBroker.KitFromEnvironment is { } kit ? $"a real Apache Kafka broker started from {kit}" : "LocalKafka (librdkafka's mock cluster)")}");
        Line(text, $"- PostgreSQL settings: {string.Join(", ", machine.PostgresSettings.Select(s => $"{s.Key}={s.Value}"))}");
        Line(text, $"- N = {plan.Events:N0} events ({plan.SingleInsertEvents:N0} for the one-INSERT peer), {plan.Partitions} partitions, seed {plan.Seed}");
        Line(text, $"- latency runs: {(plan.FixedRates is { } rates ? string.Join(", ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture))) + " events/s" : string.Join(", ", plan.RatePercents.Select(p => $"{p}%")) + " of the silo's drain rate")}, {plan.LatencyWarmup.TotalSeconds:F1} s warm-up + {plan.LatencyDuration.TotalSeconds:F0} s measured each");
        Line(text, $"- silo settings: {(plan.SiloEnvironment.Count == 0 ? "defaults (only connection variables and KAFKA_STARTING_OFFSETS=earliest set)" : "defaults except " + string.Join(", ", plan.SiloEnvironment.Select(v => $"{v.Key}={v.Value}")))}");
        Line(text, $"- run {report.RunId}, {report.Elapsed.TotalSeconds:F0} s in all");
        foreach (var section in ReportTables.Build(report))
        {
            text.AppendLine();
            Line(text, $"## {section.Title}");
            foreach (var table in section.Tables)
            {
                text.AppendLine();
                text.Append("| ").AppendJoin(" | ", table.Headers.Select(Escape)).AppendLine(" |");
                text.Append('|').AppendJoin("|", table.Headers.Select(_ => "---")).AppendLine("|");
                foreach (var row in table.Rows)
                {
                    text.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
                }
            }
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
