using System.Data;
using Npgsql;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>One movie's counts, distinct users and newest events, read through the indexes on movie_id in one snapshot.</summary>
public sealed class MovieStatsQuery(NpgsqlDataSource dataSource)
{
    private const string ByEventType = "SELECT event_type, count(*) FROM user_events WHERE movie_id = $1 GROUP BY event_type ORDER BY count(*) DESC, event_type";
    private const string DistinctUsers = "SELECT count(DISTINCT user_id) FROM user_events WHERE movie_id = $1";
    private const string Latest = $"SELECT {StoredEventColumns.List} FROM user_events WHERE movie_id = $1 ORDER BY event_timestamp DESC, id DESC LIMIT $2";

    public async Task<MovieStats> ReadAsync(int movieId, int latest, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(ByEventType) { Parameters = { new NpgsqlParameter<int> { TypedValue = movieId } } },
                new NpgsqlBatchCommand(DistinctUsers) { Parameters = { new NpgsqlParameter<int> { TypedValue = movieId } } },
                new NpgsqlBatchCommand(Latest) { Parameters = { new NpgsqlParameter<int> { TypedValue = movieId }, new NpgsqlParameter<int> { TypedValue = latest } } },
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
        var distinctUsers = reader.GetInt64(0);

        await reader.NextResultAsync(cancellationToken);
        var events = await StoredEventColumns.ReadAllAsync(reader, cancellationToken);
        return new MovieStats(movieId, byType.ToArray(), distinctUsers, events);
    }
}
