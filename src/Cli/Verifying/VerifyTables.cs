using Spectre.Console;
using UserEvents.Orleans.Cli.Rendering;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>The tables <c>verify</c> prints: one row per (partition, generation), then counters, defects, lost ranges and the deep recount.</summary>
internal static class VerifyTables
{
    public static Table Generations(string topic, IReadOnlyList<GenerationVerdict> verdicts, IReadOnlyDictionary<int, KafkaPartitionWatermarks> kafka)
    {
        var table = new Table().Title($"Kafka {topic} against the commit ledger")
            .AddColumn(new TableColumn("Partition").RightAligned())
            .AddColumn(new TableColumn("Gen").RightAligned())
            .AddColumn("Kafka low..high")
            .AddColumn("Start..end")
            .AddColumn(new TableColumn("Ranges").RightAligned())
            .AddColumn(new TableColumn("Owed").RightAligned())
            .AddColumn(new TableColumn("Events").RightAligned())
            .AddColumn(new TableColumn("Rejected").RightAligned())
            .AddColumn(new TableColumn("Lost").RightAligned())
            .AddColumn(new TableColumn("Missing").RightAligned())
            .AddColumn(new TableColumn("Overlapping").RightAligned())
            .AddColumn(new TableColumn("Unexpected").RightAligned())
            .AddColumn(new TableColumn("Miscounted").RightAligned())
            .AddColumn(new TableColumn("Not yet stored").RightAligned())
            .AddColumn("Note");
        foreach (var v in verdicts)
        {
            KafkaPartitionWatermarks? watermarks = v.IsCurrent && kafka.TryGetValue(v.Partition, out var k) ? k : null;
            table.AddRow(
                StatsFormat.Number(v.Partition),
                StatsFormat.Number(v.Generation),
                watermarks is { } w ? $"{StatsFormat.Number(w.Low)}..{StatsFormat.Number(w.High)}" : StatsFormat.Unknown,
                $"{StatsFormat.Number(v.Start)}..{StatsFormat.Number(v.End)}",
                StatsFormat.Number(v.Ranges),
                StatsFormat.Number(v.Owed),
                StatsFormat.Number(v.Events),
                StatsFormat.Number(v.Rejected),
                StatsFormat.Number(v.Lost),
                Highlight(v.Missing),
                Highlight(v.Overlapping),
                Highlight(v.Unexpected),
                Highlight(v.Miscounted),
                StatsFormat.Number(NotYetStored(v, watermarks)),
                Markup.Escape(string.Join("; ", new[] { v.Note, KafkaNote(v, watermarks) }.Where(n => n.Length > 0))));
        }

        foreach (var w in kafka.Values.Where(w => verdicts.All(v => v.Partition != w.Partition)).OrderBy(w => w.Partition))
        {
            table.AddRow(StatsFormat.Number(w.Partition), StatsFormat.Unknown, $"{StatsFormat.Number(w.Low)}..{StatsFormat.Number(w.High)}", StatsFormat.Unknown,
                "0", "0", "0", "0", "0", "0", "0", "0", "0", StatsFormat.Number(w.High - w.Low), "no checkpoint: never read");
        }

        return table;
    }

    public static long? NotYetStored(GenerationVerdict verdict, KafkaPartitionWatermarks? kafka) =>
        kafka is { } w && verdict.End is { } end ? Math.Max(0, w.High - Math.Max(end, w.Low)) : null;

    public static Table Counters(IReadOnlyList<PartitionCounters> counters)
    {
        var table = new Table().Title("Ledger against the counters (event_type_counts, rejected_counts)")
            .AddColumn(new TableColumn("Partition").RightAligned())
            .AddColumn(new TableColumn("Ledger events").RightAligned())
            .AddColumn(new TableColumn("Counted events").RightAligned())
            .AddColumn(new TableColumn("Ledger rejected").RightAligned())
            .AddColumn(new TableColumn("Counted rejected").RightAligned());
        foreach (var c in counters)
        {
            table.AddRow(
                StatsFormat.Number(c.Partition),
                StatsFormat.Number(c.LedgerEvents),
                Against(c.CountedEvents, c.LedgerEvents),
                StatsFormat.Number(c.LedgerRejected),
                Against(c.CountedRejected, c.LedgerRejected));
        }

        return table;
    }

    public static Table Defects(IReadOnlyList<LedgerRangeDefect> defects)
    {
        var table = new Table().Title($"Defective ledger ranges (first {LedgerSnapshotQuery.DefectsListed})")
            .AddColumn(new TableColumn("Partition").RightAligned()).AddColumn(new TableColumn("Gen").RightAligned())
            .AddColumn("Range").AddColumn("Kind").AddColumn("Problem");
        foreach (var d in defects)
        {
            table.AddRow(StatsFormat.Number(d.Partition), StatsFormat.Number(d.Generation), $"{d.FromOffset}..{d.ToOffset}", d.Kind, $"[red]{Markup.Escape(d.Describe())}[/]");
        }

        return table;
    }

    public static Table Lost(IReadOnlyList<LostRange> lost)
    {
        var table = new Table().Title($"Lost ranges: Kafka deleted them before they were stored (first {LedgerSnapshotQuery.LostListed})")
            .AddColumn(new TableColumn("Partition").RightAligned()).AddColumn(new TableColumn("Gen").RightAligned())
            .AddColumn("Range").AddColumn(new TableColumn("Offsets").RightAligned()).AddColumn("Reason");
        foreach (var l in lost)
        {
            table.AddRow(StatsFormat.Number(l.Partition), StatsFormat.Number(l.Generation), $"{l.FromOffset}..{l.ToOffset}",
                StatsFormat.Number(l.ToOffset - l.FromOffset), Markup.Escape(l.Reason ?? "no matching reset recorded"));
        }

        return table;
    }

    public static Table Deep(IReadOnlyList<DeepRecount> recounts)
    {
        var table = new Table().Title("Deep recount through the position index (rows of user_events + user_events_rejected)")
            .AddColumn(new TableColumn("Partition").RightAligned()).AddColumn(new TableColumn("Gen").RightAligned())
            .AddColumn("Window").AddColumn(new TableColumn("Rows").RightAligned())
            .AddColumn(new TableColumn("Missing").RightAligned()).AddColumn(new TableColumn("Duplicated").RightAligned())
            .AddColumn(new TableColumn("Unexpected").RightAligned()).AddColumn("Defective ranges");
        foreach (var r in recounts)
        {
            table.AddRow(
                StatsFormat.Number(r.Partition),
                StatsFormat.Number(r.Generation),
                $"{r.From}..{r.To}",
                StatsFormat.Number(r.Rows),
                Highlight(r.Missing),
                Highlight(r.Duplicated),
                Highlight(r.Unexpected),
                Markup.Escape(string.Join(", ", r.Defects.Select(Describe))));
        }

        return table;
    }

    private static string Describe(DeepRangeDefect d) =>
        $"{(d.FromOffset is { } f ? $"{f}..{d.ToOffset} {d.Kind}" : d.Kind)}: {d.Missing} missing, {d.Duplicated} duplicated, {d.Unexpected} unexpected";

    private static string KafkaNote(GenerationVerdict verdict, KafkaPartitionWatermarks? kafka) =>
        kafka is { } w && verdict.End > w.High ? "checkpoint beyond Kafka's log end: the broker lost records" : "";

    private static string Against(long counted, long ledger) => counted == ledger ? StatsFormat.Number(counted) : $"[red]{StatsFormat.Number(counted)}[/]";

    private static string Highlight(long problems) => problems == 0 ? "0" : $"[red]{StatsFormat.Number(problems)}[/]";
}
