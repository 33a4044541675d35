using System.Globalization;
using Spectre.Console;

namespace UserEvents.Orleans.Benchmarks.Reporting;

/// <summary>Prints the results with Spectre.Console: a rule per section, then its tables.</summary>
public static class ConsoleReport
{
    public static void Write(IAnsiConsole console, BenchmarkReport report)
    {
        var machine = report.Machine;
        console.Write(new Rule($"[bold]UserEvents.Orleans benchmark[/] {(report.Plan.IsSmallRun ? "[yellow](small run)[/]" : "(full run)")}").LeftJustified());
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{machine.Cores} cores, {machine.CpuModel}, {machine.MemoryBytes / 1073741824.0:F1} GiB; load {report.LoadAverageAtStart} at start, {report.LoadAverageAtEnd} at end; {report.Elapsed.TotalSeconds:F0} s; Kafka: {(RealKafkaBroker.KitFromEnvironment is null ? "LocalKafka" : "real Apache Kafka")}");
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"N = {report.Plan.Events:N0} events, {report.Plan.SingleInsertEvents:N0} for the one-INSERT peer, {report.Plan.Partitions} partitions, run {report.RunId}");
        if (report.Plan.SiloEnvironment.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]silo settings changed:[/] {string.Join(", ", report.Plan.SiloEnvironment.Select(v => $"{v.Key}={v.Value}"))}");
        }

        foreach (var section in ReportTables.Build(report))
        {
            console.WriteLine();
            console.Write(new Rule($"[bold]{section.Title}[/]").LeftJustified());
            foreach (var table in section.Tables)
            {
                var rendered = new Table().Border(TableBorder.Rounded);
                foreach (var header in table.Headers)
                {
                    rendered.AddColumn(new TableColumn(Markup.Escape(header)));
                }

                foreach (var row in table.Rows)
                {
                    rendered.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell)).ToArray());
                }

                console.Write(rendered);
            }
        }
    }
}
