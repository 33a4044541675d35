using System.Data;
using Npgsql;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>One user's counts and newest events, read through the indexes on user_id in one snapshot.</summary>
public sealed class UserStatsQuery(NpgsqlDataSource dataSource)
{
    private const string ByEventType = """
        SELECT event_type, count(*), min(event_timestamp), max(event_timestamp)
        FROM user_events WHERE user_id = $1 GROUP BY event_type ORDER BY count(*) DESC, event_type
        """;

    private const string Latest = $"SELECT {StoredEventColumns.List} FROM user_events WHERE user_id = $1 ORDER BY event_timestamp DESC, id DESC LIMIT $2";

    public async Task<UserStats> ReadAsync(int userId, int latest, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(ByEventType) { Parameters = { new NpgsqlParameter<int> { TypedValue = userId } } },
                new NpgsqlBatchCommand(Latest) { Parameters = { new NpgsqlParameter<int> { TypedValue = userId }, new NpgsqlParameter<int> { TypedValue = latest } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);

        var byType = new List<EventTypeCount>();
        DateTimeOffset? firstSeen = null;
        DateTimeOffset? lastSeen = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            byType.Add(EventTypeCountColumns.Read(reader));
            var first = reader.GetFieldValue<DateTimeOffset>(2);
            var last = reader.GetFieldValue<DateTimeOffset>(3);
            firstSeen = firstSeen is null || first < firstSeen ? first : firstSeen;
            lastSeen = lastSeen is null || last > lastSeen ? last : lastSeen;
        }

        await reader.NextResultAsync(cancellationToken);
        var events = await StoredEventColumns.ReadAllAsync(reader, cancellationToken);
        return new UserStats(userId, byType.ToArray(), firstSeen, lastSeen, events);
    }
}
