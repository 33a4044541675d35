using Npgsql;
using NpgsqlTypes;
using UserEvents.Orleans.Contracts;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// Stores a group of batches in ONE transaction: lock the partitions' checkpoints, decide with <see cref="CommitPlan"/>,
/// binary-COPY the events and dead letters, move the checkpoints, commit. Either all of it is durable or none of it.
/// </summary>
public sealed class PostgresBatchCommitter(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string CopyEvents =
        "COPY user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset) FROM STDIN (FORMAT BINARY)";

    private const string CopyRejections =
        "COPY user_events_rejected (kafka_partition, kafka_offset, raw_key, raw_value, reason, received_at) FROM STDIN (FORMAT BINARY)";

    // Locks in a fixed order, so two silos flushing overlapping partitions cannot deadlock.
    private const string LockCheckpoints = """
        SELECT c.topic, c.partition, c.next_offset
        FROM kafka_checkpoints c
        JOIN unnest($1::text[], $2::integer[]) AS k(topic, partition) ON c.topic = k.topic AND c.partition = k.partition
        ORDER BY c.topic, c.partition
        FOR UPDATE OF c
        """;

    private const string MoveCheckpoints = """
        UPDATE kafka_checkpoints c
        SET next_offset = m.next_offset, updated_at = CURRENT_TIMESTAMP
        FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS m(topic, partition, next_offset)
        WHERE c.topic = m.topic AND c.partition = m.partition
        """;

    /// <summary>Commits the batches; returns one outcome per batch, in input order. Throws when PostgreSQL fails (nothing is stored then).</summary>
    public Task<BatchCommitOutcome[]> CommitAsync(IReadOnlyList<UserEventBatch> batches, CancellationToken cancellationToken) =>
        Task.Run(() => Commit(batches, cancellationToken), cancellationToken);

    private BatchCommitOutcome[] Commit(IReadOnlyList<UserEventBatch> batches, CancellationToken cancellationToken)
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var plan = CommitPlan.Create(batches, LockCheckpointsOf(connection, batches));
        var processedAt = time.GetUtcNow();
        if (plan.Batches.Any(b => b.EventsToWrite > 0))
        {
            WriteEvents(connection, plan, processedAt, cancellationToken);
        }

        if (plan.Batches.Any(b => b.RejectionsToWrite > 0))
        {
            WriteRejections(connection, plan, processedAt, cancellationToken);
        }

        if (plan.NewCheckpoints.Count > 0)
        {
            MoveCheckpointsTo(connection, plan.NewCheckpoints);
        }

        transaction.Commit();
        return plan.Batches.Select(b => b.ToOutcome()).ToArray();
    }

    private static Dictionary<PartitionKey, long> LockCheckpointsOf(NpgsqlConnection connection, IReadOnlyList<UserEventBatch> batches)
    {
        var keys = batches.Select(b => new PartitionKey(b.Topic, b.Partition)).Distinct().ToArray();
        using var command = new NpgsqlCommand(LockCheckpoints, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Select(k => k.Topic).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = keys.Select(k => k.Partition).ToArray() });
        var checkpoints = new Dictionary<PartitionKey, long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            checkpoints[new PartitionKey(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        }

        return checkpoints;
    }

    private static void WriteEvents(NpgsqlConnection connection, CommitPlan plan, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        using var importer = connection.BeginBinaryImport(CopyEvents);
        foreach (var batchPlan in plan.Batches.Where(b => b.EventsToWrite > 0))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var events = batchPlan.Batch.Events;
            var partition = batchPlan.Batch.Partition;
            for (var i = batchPlan.FirstEvent; i < events.Length; i++)
            {
                ref readonly var e = ref events[i];
                importer.StartRow();
                importer.Write(e.UserId, NpgsqlDbType.Integer);
                importer.Write(e.MovieId, NpgsqlDbType.Integer);
                importer.Write(e.EventType, NpgsqlDbType.Varchar);
                importer.Write(e.EventTime, NpgsqlDbType.TimestampTz);
                importer.Write(processedAt, NpgsqlDbType.TimestampTz);
                importer.Write(partition, NpgsqlDbType.Integer);
                importer.Write(e.Offset, NpgsqlDbType.Bigint);
            }
        }

        importer.Complete();
    }

    private static void WriteRejections(NpgsqlConnection connection, CommitPlan plan, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        using var importer = connection.BeginBinaryImport(CopyRejections);
        foreach (var batchPlan in plan.Batches.Where(b => b.RejectionsToWrite > 0))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rejections = batchPlan.Batch.Rejections;
            for (var i = batchPlan.FirstRejection; i < rejections.Length; i++)
            {
                var r = rejections[i];
                importer.StartRow();
                importer.Write(batchPlan.Batch.Partition, NpgsqlDbType.Integer);
                importer.Write(r.Offset, NpgsqlDbType.Bigint);
                WriteNullable(importer, r.Key);
                WriteNullable(importer, r.Value);
                importer.Write(r.Reason, NpgsqlDbType.Text);
                importer.Write(receivedAt, NpgsqlDbType.TimestampTz);
            }
        }

        importer.Complete();
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, byte[]? bytes)
    {
        if (bytes is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(bytes, NpgsqlDbType.Bytea);
        }
    }

    private static void MoveCheckpointsTo(NpgsqlConnection connection, IReadOnlyDictionary<PartitionKey, long> checkpoints)
    {
        using var command = new NpgsqlCommand(MoveCheckpoints, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = checkpoints.Keys.Select(k => k.Topic).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = checkpoints.Keys.Select(k => k.Partition).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = checkpoints.Values.ToArray() });
        command.ExecuteNonQuery();
    }
}
