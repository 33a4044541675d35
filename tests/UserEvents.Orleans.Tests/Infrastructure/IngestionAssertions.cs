using Npgsql;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>Reconciles what PostgreSQL holds with what was produced to Kafka.</summary>
public static class IngestionAssertions
{
    public sealed record Totals(long Events, long Rejected, long DuplicateOffsets, long CheckpointSum, long OffsetsWithGaps);

    public static async Task<Totals> ReadTotalsAsync(string connectionString, string topic)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            WITH stored AS (
                SELECT kafka_partition AS p, kafka_log_generation AS g, kafka_offset AS o FROM user_events
                UNION ALL
                SELECT kafka_partition, kafka_log_generation, kafka_offset FROM user_events_rejected)
            SELECT
                (SELECT count(*) FROM user_events),
                (SELECT count(*) FROM user_events_rejected),
                (SELECT count(*) FROM (SELECT p, g, o FROM stored GROUP BY p, g, o HAVING count(*) > 1) d),
                (SELECT coalesce(sum(next_offset), 0) FROM kafka_checkpoints WHERE topic = $1),
                (SELECT coalesce(sum(missing), 0) FROM (
                    SELECT c.next_offset - count(DISTINCT s.o) AS missing
                    FROM kafka_checkpoints c LEFT JOIN stored s ON s.p = c.partition AND s.g = c.log_generation
                    WHERE c.topic = $1 GROUP BY c.partition, c.next_offset) g)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Totals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    /// <summary>Waits until events + dead letters reach <paramref name="expected"/>, then returns the totals.</summary>
    public static async Task<Totals> WaitForStoredAsync(string connectionString, string topic, long expected, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        Totals totals;
        do
        {
            totals = await ReadTotalsAsync(connectionString, topic);
            if (totals.Events + totals.Rejected >= expected)
            {
                await Task.Delay(500);
                return await ReadTotalsAsync(connectionString, topic);
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"Only {totals.Events} events + {totals.Rejected} rejected of {expected} stored within {timeout}.{Environment.NewLine}{diagnostics?.Invoke()}");
    }

    /// <summary>Exactly once: every produced offset stored once, in exactly one table, and the checkpoints cover them all.</summary>
    public static void AssertExactlyOnce(Totals totals, long produced, long malformed)
    {
        Assert.Equal(produced - malformed, totals.Events);
        Assert.Equal(malformed, totals.Rejected);
        Assert.Equal(0, totals.DuplicateOffsets);
        Assert.Equal(produced, totals.CheckpointSum);
        Assert.Equal(0, totals.OffsetsWithGaps);
    }
}
