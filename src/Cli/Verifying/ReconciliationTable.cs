using Spectre.Console;
using UserEvents.Orleans.Cli.Rendering;

namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>The table <c>verify</c> prints, one row per partition.</summary>
internal static class ReconciliationTable
{
    public static Table Create(string topic, IEnumerable<PartitionReconciliation> partitions)
    {
        var table = new Table().Title($"Kafka {topic} against user_events + user_events_rejected")
            .AddColumn(new TableColumn("Partition").RightAligned())
            .AddColumn("Kafka low..high")
            .AddColumn("Start..checkpoint")
            .AddColumn(new TableColumn("Owed").RightAligned())
            .AddColumn(new TableColumn("Stored").RightAligned())
            .AddColumn(new TableColumn("Missing").RightAligned())
            .AddColumn(new TableColumn("Duplicated").RightAligned())
            .AddColumn(new TableColumn("Unexpected").RightAligned())
            .AddColumn(new TableColumn("Before start").RightAligned())
            .AddColumn(new TableColumn("Not yet stored").RightAligned())
            .AddColumn("Note");
        foreach (var p in partitions)
        {
            table.AddRow(
                StatsFormat.Number(p.Partition),
                p.Kafka is { } kafka ? $"{StatsFormat.Number(kafka.Low)}..{StatsFormat.Number(kafka.High)}" : StatsFormat.Unknown,
                p.Checkpoint is { } checkpoint ? $"{StatsFormat.Number(p.Start)}..{StatsFormat.Number(checkpoint)}" : StatsFormat.Unknown,
                StatsFormat.Number(p.Owed),
                StatsFormat.Number(p.Stored),
                Highlight(p.Missing),
                Highlight(p.Duplicated),
                Highlight(p.Unexpected),
                StatsFormat.Number(p.BeforeStart),
                StatsFormat.Number(p.NotYetStored),
                Markup.Escape(p.Note));
        }

        return table;
    }

    private static string Highlight(long problems) => problems == 0 ? "0" : $"[red]{StatsFormat.Number(problems)}[/]";
}
