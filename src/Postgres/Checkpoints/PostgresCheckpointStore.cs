using Npgsql;
using UserEvents.Orleans.Streaming.Kafka;

namespace UserEvents.Orleans.Postgres.Checkpoints;

/// <summary>Partition checkpoints in table <c>kafka_checkpoints</c>.</summary>
public sealed class PostgresCheckpointStore(NpgsqlDataSource dataSource) : IKafkaCheckpointStore
{
    public async Task<long?> ReadAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT next_offset FROM kafka_checkpoints WHERE topic = $1 AND partition = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is long offset ? offset : null;
    }

    public async Task<long> PinAsync(string topic, int partition, long startOffset, CancellationToken cancellationToken)
    {
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO kafka_checkpoints (topic, partition, next_offset, start_offset) VALUES ($1, $2, $3, $3) ON CONFLICT (topic, partition) DO NOTHING"))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = startOffset });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return await ReadAsync(topic, partition, cancellationToken)
            ?? throw new InvalidOperationException($"Checkpoint of {topic}[{partition}] vanished right after it was pinned");
    }

    public async Task ClaimAsync(string topic, int partition, string owner, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE kafka_checkpoints SET owner = $3, owner_since = CURRENT_TIMESTAMP WHERE topic = $1 AND partition = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
