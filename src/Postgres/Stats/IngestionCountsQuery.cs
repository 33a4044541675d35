using System.Data;
using Npgsql;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>
/// Counts the stored events by type, the dead letters and the recent processing rate from the counters the commit
/// moves in the transaction that stores the rows (<c>event_type_counts</c>, <c>rejected_counts</c>,
/// <c>ingest_minutes</c>): exact, and the work does not grow with the event tables (it grows with the number of time
/// partitions, which retention bounds). No statement here reads <c>user_events</c> or <c>user_events_rejected</c>.
/// </summary>
public sealed class IngestionCountsQuery(NpgsqlDataSource dataSource)
{
    /// <summary>How many whole minutes before the current one the short and the long rate windows reach back.</summary>
    public const int ShortWindowMinutes = 1;

    public const int LongWindowMinutes = 5;

    private const string ByEventType = "SELECT event_type, sum(events)::bigint FROM event_type_counts GROUP BY event_type ORDER BY 2 DESC, event_type";
    private const string Rejected = "SELECT coalesce(sum(rejected), 0)::bigint FROM rejected_counts";

    // ingest_minutes counts per minute of processed_at, so a window starts on a whole minute: the rate is over the
    // current (partial) minute and the whole minutes before it, divided by the window's actual length in seconds.
    private const string Recent = """
        SELECT coalesce(sum(events) FILTER (WHERE minute >= date_trunc('minute', now()) - make_interval(mins => $1)), 0)::bigint,
               coalesce(sum(events), 0)::bigint,
               now()
        FROM ingest_minutes WHERE minute >= date_trunc('minute', now()) - make_interval(mins => $2)
        """;

    /// <summary>The statements it runs, for plan checks (scripts/explain-stats.sh, the tests); the last takes the two window lengths.</summary>
    public static IReadOnlyList<string> Statements { get; } = [ByEventType, Rejected, Recent];

    public async Task<IngestionCounts> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(ByEventType),
                new NpgsqlBatchCommand(Rejected),
                new NpgsqlBatchCommand(Recent)
                {
                    Parameters = { new NpgsqlParameter<int> { TypedValue = ShortWindowMinutes }, new NpgsqlParameter<int> { TypedValue = LongWindowMinutes } },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        var byType = new List<EventTypeCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            byType.Add(EventTypeCountColumns.Read(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var rejected = reader.GetInt64(0);

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var shortWindow = reader.GetInt64(0);
        var longWindow = reader.GetInt64(1);
        var readAt = reader.GetFieldValue<DateTimeOffset>(2);

        return new IngestionCounts(
            byType.Sum(t => t.Count),
            rejected,
            RecentRate.PerSecond(shortWindow, readAt, ShortWindowMinutes),
            RecentRate.PerSecond(longWindow, readAt, LongWindowMinutes),
            byType.ToArray(),
            readAt);
    }
}
