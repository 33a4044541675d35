using Npgsql;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Postgres.Checkpoints;

/// <summary>Partition checkpoints in table <c>kafka_checkpoints</c>.</summary>
public sealed class PostgresCheckpointStore(NpgsqlDataSource dataSource) : IKafkaCheckpointStore
{
    private const string Read = "SELECT next_offset, log_generation FROM kafka_checkpoints WHERE topic = $1 AND partition = $2";

    public async Task<KafkaCheckpoint?> ReadAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Read);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new KafkaCheckpoint(reader.GetInt64(0), reader.GetInt32(1)) : null;
    }

    public Task<string?> ReadCommitHistoryAsync(CancellationToken cancellationToken) => PostgresCommitHistory.ReadAsync(dataSource, cancellationToken);

    public async Task<KafkaCheckpoint> PinAsync(string topic, int partition, long startOffset, string? topicId, CancellationToken cancellationToken)
    {
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO kafka_checkpoints (topic, partition, next_offset, start_offset, topic_id) VALUES ($1, $2, $3, $3, $4) ON CONFLICT (topic, partition) DO NOTHING"))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = startOffset });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)topicId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return await ReadAsync(topic, partition, cancellationToken)
            ?? throw new InvalidOperationException($"Checkpoint of {topic}[{partition}] vanished right after it was pinned");
    }

    private const string Claim = """
        UPDATE kafka_checkpoints
        SET owner = CASE WHEN owner_since IS NULL OR owner_since <= $5 THEN $3 ELSE owner END,
            owner_since = greatest(owner_since, $5),
            topic_id = coalesce(topic_id, $4)
        WHERE topic = $1 AND partition = $2
        """;

    public async Task ClaimAsync(string topic, int partition, string owner, DateTimeOffset assignedAt, string? topicId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Claim);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)topicId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = assignedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<KafkaCheckpointReset> ResetOutOfRangeAsync(
        string topic, int partition, long lowWatermark, long highWatermark, string? topicId, KafkaLogProbe? lastRecord, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        KafkaCheckpoint current;
        string? pinnedTopicId;
        await using (var read = new NpgsqlCommand(
            "SELECT next_offset, log_generation, topic_id FROM kafka_checkpoints WHERE topic = $1 AND partition = $2 FOR UPDATE", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"{topic}[{partition}] has no checkpoint to reset");
            }

            current = new KafkaCheckpoint(reader.GetInt64(0), reader.GetInt32(1));
            pinnedTopicId = reader.IsDBNull(2) ? null : reader.GetString(2);
        }

        var matches = current.NextOffset > highWatermark && lastRecord is not null
            ? await StoredRecordComparison.MatchesAsync(connection, transaction, partition, current.LogGeneration, lastRecord, cancellationToken)
            : null;
        var decision = OutOfRangeDecision.For(current, lowWatermark, highWatermark, pinnedTopicId, topicId, matches);
        if (decision is null)
        {
            return new KafkaCheckpointReset(current, current);
        }

        var (next, kind, reason) = decision.Value;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var update = new NpgsqlBatchCommand(
                "UPDATE kafka_checkpoints SET next_offset = $3, log_generation = $4, topic_id = coalesce($5, topic_id), updated_at = CURRENT_TIMESTAMP WHERE topic = $1 AND partition = $2");
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = next.NextOffset });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = next.LogGeneration });
            update.Parameters.Add(new NpgsqlParameter { Value = (object?)topicId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            batch.BatchCommands.Add(update);

            var record = new NpgsqlBatchCommand("""
                INSERT INTO kafka_offset_resets (topic, partition, from_offset, to_offset, low_watermark, high_watermark, reason, from_generation, to_generation, kind)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """);
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = current.NextOffset });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = next.NextOffset });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lowWatermark });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = highWatermark });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = current.LogGeneration });
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = next.LogGeneration });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
            batch.BatchCommands.Add(record);

            if (kind == OutOfRangeDecision.Retention)
            {
                // The ledger chains without a gap: the range Kafka deleted before it was stored is there, as lost.
                var lost = new NpgsqlBatchCommand("""
                    INSERT INTO kafka_commit_ledger (topic, partition, log_generation, from_offset, to_offset, events, rejected, kind)
                    VALUES ($1, $2, $3, $4, $5, 0, 0, 'lost')
                    """);
                lost.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
                lost.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
                lost.Parameters.Add(new NpgsqlParameter<int> { TypedValue = current.LogGeneration });
                lost.Parameters.Add(new NpgsqlParameter<long> { TypedValue = current.NextOffset });
                lost.Parameters.Add(new NpgsqlParameter<long> { TypedValue = next.NextOffset });
                batch.BatchCommands.Add(lost);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new KafkaCheckpointReset(current, next);
    }
}
