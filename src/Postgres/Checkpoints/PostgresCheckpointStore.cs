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

    public async Task<KafkaCheckpointReset> ResetOutOfRangeAsync(string topic, int partition, long lowWatermark, long highWatermark, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long current;
        await using (var read = new NpgsqlCommand("SELECT next_offset FROM kafka_checkpoints WHERE topic = $1 AND partition = $2 FOR UPDATE", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            current = await read.ExecuteScalarAsync(cancellationToken) as long?
                ?? throw new InvalidOperationException($"{topic}[{partition}] has no checkpoint to reset");
        }

        if (current >= lowWatermark && current <= highWatermark)
        {
            return new KafkaCheckpointReset(current, current);
        }

        var reason = current < lowWatermark
            ? $"checkpoint {current} below the log start {lowWatermark}: {lowWatermark - current} records were deleted by retention before they were stored"
            : $"checkpoint {current} beyond the log end {highWatermark}: the broker lost or recreated the partition's log";
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var update = new NpgsqlBatchCommand("UPDATE kafka_checkpoints SET next_offset = $3, updated_at = CURRENT_TIMESTAMP WHERE topic = $1 AND partition = $2");
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lowWatermark });
            var record = new NpgsqlBatchCommand(
                "INSERT INTO kafka_offset_resets (topic, partition, from_offset, to_offset, low_watermark, high_watermark, reason) VALUES ($1, $2, $3, $4, $4, $5, $6)");
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = current });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lowWatermark });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = highWatermark });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
            batch.BatchCommands.Add(update);
            batch.BatchCommands.Add(record);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new KafkaCheckpointReset(current, lowWatermark);
    }
}
