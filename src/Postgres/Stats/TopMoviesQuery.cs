using Npgsql;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>The movies with the most events in a recent window of event time, read through the index on event_timestamp.</summary>
public sealed class TopMoviesQuery(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        SELECT movie_id, count(*) FROM user_events WHERE event_timestamp > now() - $1
        GROUP BY movie_id ORDER BY count(*) DESC, movie_id LIMIT $2
        """;

    public async Task<MovieEventCount[]> ReadAsync(TimeSpan window, int count, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = window });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var top = new List<MovieEventCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            top.Add(new MovieEventCount(reader.GetInt32(0), reader.GetInt64(1)));
        }

        return top.ToArray();
    }
}
