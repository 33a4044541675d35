using System.Data;
using Npgsql;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>
/// Counts the stored events by type, the dead letters and the recent processing rate. The counts read whole tables
/// (callers cache them); the rate reads only the newest rows through the BRIN index on <c>processed_at</c>.
/// </summary>
public sealed class IngestionCountsQuery(NpgsqlDataSource dataSource)
{
    private const string ByEventType = "SELECT event_type, count(*) FROM user_events GROUP BY event_type ORDER BY count(*) DESC, event_type";
    private const string Rejected = "SELECT count(*) FROM user_events_rejected";
    private const string Recent = """
        SELECT count(*) FILTER (WHERE processed_at > now() - interval '1 minute'), count(*), now()
        FROM user_events WHERE processed_at > now() - interval '5 minutes'
        """;

    public async Task<IngestionCounts> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { new NpgsqlBatchCommand(ByEventType), new NpgsqlBatchCommand(Rejected), new NpgsqlBatchCommand(Recent) },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        var byType = new List<EventTypeCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            byType.Add(new EventTypeCount(reader.GetString(0), reader.GetInt64(1)));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var rejected = reader.GetInt64(0);

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var lastMinute = reader.GetInt64(0);
        var lastFiveMinutes = reader.GetInt64(1);
        var readAt = reader.GetFieldValue<DateTimeOffset>(2);

        return new IngestionCounts(
            byType.Sum(t => t.Count),
            rejected,
            Math.Round(lastMinute / 60.0, 2),
            Math.Round(lastFiveMinutes / 300.0, 2),
            byType.ToArray(),
            readAt);
    }
}
