using System.Data;
using Npgsql;

namespace UserEvents.Orleans.Chaos.Measuring;

/// <summary>
/// Reconciles a scenario's topic with its database in one repeatable-read snapshot. Every broker life of a partition
/// wrote offsets [0, high watermark); the silo stores each life's records under its own log generation (a broker that
/// restarts empty gives a new log, which the offset reset proves new and numbers generation + 1), so a row's life is its
/// <c>kafka_log_generation</c> + 1. Each (partition, life, offset) below the watermark must have exactly one row, in
/// either table.
/// </summary>
public static class ReconciliationQuery
{
    private const string Census = """
        WITH bounds AS (SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bigint[]) AS b(p, life, hw)),
        lived AS (
            SELECT kafka_partition AS p, kafka_offset AS o, kafka_log_generation + 1 AS life FROM user_events
            UNION ALL
            SELECT kafka_partition, kafka_offset, kafka_log_generation + 1 FROM user_events_rejected),
        per_offset AS (SELECT p, o, life, count(*) AS n FROM lived GROUP BY p, o, life)
        SELECT
            (SELECT coalesce(sum(n - 1), 0) FROM per_offset WHERE n > 1)::bigint,
            ((SELECT coalesce(sum(hw), 0) FROM bounds) - (SELECT count(*) FROM per_offset c JOIN bounds b ON b.p = c.p AND b.life = c.life AND c.o < b.hw))::bigint,
            (SELECT count(*) FROM per_offset c WHERE NOT EXISTS (SELECT 1 FROM bounds b WHERE b.p = c.p AND b.life = c.life AND c.o < b.hw)),
            (SELECT count(*) FROM user_events),
            (SELECT count(*) FROM user_events_rejected),
            (SELECT count(*) FROM user_events_rejected WHERE reason = '')
        """;

    private const string Reasons = "SELECT reason, count(*) FROM user_events_rejected GROUP BY reason ORDER BY 2 DESC";

    /// <param name="lives">The high watermark of every partition (index = partition) in each broker life, oldest first.</param>
    public static async Task<Reconciliation> ReadAsync(NpgsqlDataSource dataSource, string topic, IReadOnlyList<long[]> lives, CancellationToken cancellationToken)
    {
        var partitions = new List<int>();
        var lifeNumbers = new List<long>();
        var highWatermarks = new List<long>();
        for (var life = 0; life < lives.Count; life++)
        {
            for (var partition = 0; partition < lives[life].Length; partition++)
            {
                partitions.Add(partition);
                lifeNumbers.Add(life + 1);
                highWatermarks.Add(lives[life][partition]);
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        long duplicated, missing, unexpected, stored, rejected, withoutReason;
        await using (var census = new NpgsqlCommand(Census, connection, transaction))
        {
            census.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. partitions] });
            census.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. lifeNumbers] });
            census.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. highWatermarks] });
            await using var reader = await census.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (duplicated, missing, unexpected, stored, rejected, withoutReason) =
                (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        }

        var reasons = new Dictionary<string, long>();
        await using (var byReason = new NpgsqlCommand(Reasons, connection, transaction))
        {
            await using var reader = await byReason.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                reasons[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new Reconciliation(highWatermarks.Sum(), stored, rejected, duplicated, missing, unexpected, withoutReason, reasons);
    }
}
