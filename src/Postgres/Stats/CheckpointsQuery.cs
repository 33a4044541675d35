using Npgsql;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>Reads the checkpoints of one topic.</summary>
public sealed class CheckpointsQuery(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        SELECT partition, next_offset, updated_at, owner
        FROM kafka_checkpoints WHERE topic = $1 ORDER BY partition
        """;

    /// <summary>The topic's checkpoints by partition.</summary>
    public async Task<CheckpointRow[]> ReadAsync(string topic, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<CheckpointRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new CheckpointRow(
                reader.GetInt32(0),
                reader.GetInt64(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return rows.ToArray();
    }
}
