using Spectre.Console;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Cli.Rendering;

/// <summary>The tables the stats commands print.</summary>
internal static class StatsTables
{
    /// <summary>Two columns, figure and value.</summary>
    public static Table Figures(string title, IEnumerable<(string Figure, string Value)> rows)
    {
        var table = new Table().Title(title).AddColumn("Figure").AddColumn(new TableColumn("Value").RightAligned());
        foreach (var (figure, value) in rows)
        {
            table.AddRow(Markup.Escape(figure), Markup.Escape(value));
        }

        return table;
    }

    public static Table EventTypes(IEnumerable<EventTypeCount> counts)
    {
        var table = new Table().Title("Events by type").AddColumn("Event type").AddColumn(new TableColumn("Count").RightAligned());
        foreach (var count in counts)
        {
            table.AddRow(Markup.Escape(count.EventType), StatsFormat.Number(count.Count));
        }

        return table;
    }

    public static Table Partitions(IEnumerable<PartitionProgress> partitions)
    {
        var table = new Table().Title("Partitions")
            .AddColumn("Topic")
            .AddColumn(new TableColumn("Partition").RightAligned())
            .AddColumn("Owner")
            .AddColumn(new TableColumn("Checkpoint").RightAligned())
            .AddColumn(new TableColumn("High watermark").RightAligned())
            .AddColumn(new TableColumn("Lag").RightAligned())
            .AddColumn("Last commit");
        foreach (var p in partitions)
        {
            table.AddRow(
                Markup.Escape(p.Topic),
                StatsFormat.Number(p.Partition),
                Markup.Escape(p.Owner ?? StatsFormat.Unknown),
                StatsFormat.Number(p.Checkpoint),
                StatsFormat.Number(p.HighWatermark),
                StatsFormat.Number(p.Lag),
                StatsFormat.Time(p.LastCommitAt));
        }

        return table;
    }

    public static Table Events(string title, IEnumerable<StoredEvent> events)
    {
        var table = new Table().Title(title)
            .AddColumn("Event time")
            .AddColumn(new TableColumn("User").RightAligned())
            .AddColumn(new TableColumn("Movie").RightAligned())
            .AddColumn("Type")
            .AddColumn(new TableColumn("Partition").RightAligned())
            .AddColumn(new TableColumn("Offset").RightAligned());
        foreach (var e in events)
        {
            table.AddRow(
                StatsFormat.Time(e.EventTimestamp),
                StatsFormat.Number(e.UserId),
                StatsFormat.Number(e.MovieId),
                Markup.Escape(e.EventType),
                StatsFormat.Number(e.KafkaPartition),
                StatsFormat.Number(e.KafkaOffset));
        }

        return table;
    }

    public static Table TopMovies(IEnumerable<MovieEventCount> top)
    {
        var table = new Table().Title("Top movies")
            .AddColumn(new TableColumn("Rank").RightAligned())
            .AddColumn(new TableColumn("Movie").RightAligned())
            .AddColumn(new TableColumn("Events").RightAligned());
        var rank = 0;
        foreach (var movie in top)
        {
            table.AddRow(StatsFormat.Number(++rank), StatsFormat.Number(movie.MovieId), StatsFormat.Number(movie.Events));
        }

        return table;
    }
}
