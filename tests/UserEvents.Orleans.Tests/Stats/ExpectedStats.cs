using Npgsql;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>The figures the stats must show, computed with the tests' own SQL straight from the tables.</summary>
public static class ExpectedStats
{
    public static Task<long> StoredAsync(string database) => ScalarAsync(database, "SELECT count(*) FROM user_events");

    public static Task<long> RejectedAsync(string database) => ScalarAsync(database, "SELECT count(*) FROM user_events_rejected");

    /// <summary>
    /// Events stored (by processed_at) from the start of the minute <paramref name="minutes"/> before the one of
    /// <paramref name="at"/> until <paramref name="at"/>, per second, rounded to 2 decimals as the API documents (the
    /// counters count per minute). Plain arithmetic on the rows' timestamps, not the product's <c>RecentRate</c>.
    /// </summary>
    public static async Task<double> RateAsync(string database, DateTimeOffset at, int minutes)
    {
        var ticks = at.UtcTicks;
        var windowStart = new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMinute) - (minutes * TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var count = await ScalarAsync(database, "SELECT count(*) FROM user_events WHERE processed_at >= $1", windowStart);
        return Math.Round(count / (at - windowStart).TotalSeconds, 2);
    }

    public static Task<Dictionary<string, long>> ByEventTypeAsync(string database) =>
        PairsAsync(database, "SELECT event_type, count(*) FROM user_events GROUP BY event_type");

    public static Task<Dictionary<string, long>> UserByEventTypeAsync(string database, int userId) =>
        PairsAsync(database, "SELECT event_type, count(*) FROM user_events WHERE user_id = $1 GROUP BY event_type", userId);

    public static Task<Dictionary<string, long>> MovieByEventTypeAsync(string database, int movieId) =>
        PairsAsync(database, "SELECT event_type, count(*) FROM user_events WHERE movie_id = $1 GROUP BY event_type", movieId);

    public static Task<long> MovieDistinctUsersAsync(string database, int movieId) =>
        ScalarAsync(database, "SELECT count(DISTINCT user_id) FROM user_events WHERE movie_id = $1", movieId);

    public static async Task<(DateTimeOffset First, DateTimeOffset Last)> UserSeenAsync(string database, int userId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT min(event_timestamp), max(event_timestamp) FROM user_events WHERE user_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = userId });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <summary>(partition, offset) of a user's or movie's newest events, like get_user_events.</summary>
    public static async Task<List<(int Partition, long Offset)>> LatestAsync(string database, string column, int id, int limit)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT kafka_partition, kafka_offset FROM user_events WHERE {column} = $1 ORDER BY event_timestamp DESC, id DESC LIMIT $2", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync();
        var latest = new List<(int, long)>();
        while (await reader.ReadAsync())
        {
            latest.Add((reader.GetInt32(0), reader.GetInt64(1)));
        }

        return latest;
    }

    /// <summary>(movie, events) of the busiest movies by event time in the last <paramref name="minutes"/>.</summary>
    public static async Task<List<(int MovieId, long Events)>> TopAsync(string database, int minutes, int count)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT movie_id, count(*) FROM user_events WHERE event_timestamp > now() - make_interval(mins => $1)
            GROUP BY movie_id ORDER BY count(*) DESC, movie_id LIMIT $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = minutes });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        await using var reader = await command.ExecuteReaderAsync();
        var top = new List<(int, long)>();
        while (await reader.ReadAsync())
        {
            top.Add((reader.GetInt32(0), reader.GetInt64(1)));
        }

        return top;
    }

    private static async Task<long> ScalarAsync(string database, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<string, long>> PairsAsync(string database, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync();
        var pairs = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            pairs[reader.GetString(0)] = reader.GetInt64(1);
        }

        return pairs;
    }
}
