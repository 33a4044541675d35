using System.Globalization;
using Spectre.Console;
using UserEvents.Orleans.Chaos.Scenarios;

namespace UserEvents.Orleans.Chaos.Reporting;

/// <summary>The results as a Spectre.Console table: one row per scenario, the failed checks in its notes.</summary>
public static class ResultsTable
{
    public static Table Create(IEnumerable<ScenarioResult> results)
    {
        var table = new Table().Border(TableBorder.Markdown);
        table.AddColumns("#", "scenario", "produced", "stored", "rejected", "duplicated", "missing", "resumption", "peak silo RSS", "result", "notes");
        foreach (var result in results)
        {
            var reconciliation = result.Reconciliation;
            table.AddRow(
                Text(result.Number.ToString(CultureInfo.InvariantCulture)),
                Text(result.Name),
                Number(reconciliation?.Produced),
                Number(reconciliation?.Stored),
                Number(reconciliation?.Rejected),
                Number(reconciliation?.Duplicated),
                Number(reconciliation?.Missing),
                Text(result.Resumption is { } resumption ? ResultFormat.Seconds(resumption) : "–"),
                Text(ResultFormat.Mebibytes(result.PeakSiloRssBytes)),
                result.Passed ? new Markup("[green]pass[/]") : new Markup("[red]FAIL[/]"),
                Text(result.Passed ? result.Notes : string.Join("; ", result.Failures) + " | " + result.Notes));
        }

        return table;
    }

    private static Text Text(string value) => new(value);

    private static Text Number(long? value) => new(value?.ToString("N0", CultureInfo.InvariantCulture) ?? "–");
}
