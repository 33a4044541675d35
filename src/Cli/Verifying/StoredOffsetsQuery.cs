using System.Data;
using Npgsql;

namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// Reads the checkpoints of a topic and counts the stored offsets of every partition, in one repeatable-read snapshot.
/// Counting groups every row of both tables by (partition, offset): it reads them whole. The tables have no topic
/// column, so the database is taken to hold one topic.
/// </summary>
public static class StoredOffsetsQuery
{
    private const string Checkpoints = "SELECT partition, next_offset, start_offset FROM kafka_checkpoints WHERE topic = $1 ORDER BY partition";

    private const string Census = """
        WITH bounds AS (SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bigint[]) AS b(p, lo, hi)),
        stored AS (
            SELECT kafka_partition AS p, kafka_offset AS o FROM user_events
            UNION ALL
            SELECT kafka_partition, kafka_offset FROM user_events_rejected),
        per_offset AS (SELECT p, o, count(*) AS n FROM stored GROUP BY p, o)
        SELECT po.p, count(*), count(*) FILTER (WHERE po.n > 1), count(*) FILTER (WHERE po.o >= b.lo AND po.o < b.hi), min(po.o)
        FROM per_offset po LEFT JOIN bounds b ON b.p = po.p
        GROUP BY po.p ORDER BY po.p
        """;

    public static async Task<StoredOffsets> ReadAsync(string connectionString, string topic, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var checkpoints = await ReadCheckpointsAsync(connection, topic, cancellationToken);

        await using var command = new NpgsqlCommand(Census, connection);
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = checkpoints.Select(c => c.Partition).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = checkpoints.Select(c => c.StartOffset ?? 0).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = checkpoints.Select(c => c.NextOffset).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var census = new List<PartitionOffsetCensus>();
        while (await reader.ReadAsync(cancellationToken))
        {
            census.Add(new PartitionOffsetCensus(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return new StoredOffsets(checkpoints, census);
    }

    private static async Task<List<CheckpointBounds>> ReadCheckpointsAsync(NpgsqlConnection connection, string topic, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Checkpoints, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<CheckpointBounds>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new CheckpointBounds(reader.GetInt32(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)));
        }

        return checkpoints;
    }
}
