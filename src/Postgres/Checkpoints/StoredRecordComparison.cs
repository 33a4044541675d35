using Npgsql;
using UserEvents.Orleans.Contracts;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Postgres.Checkpoints;

/// <summary>
/// Whether a record of a partition's current log is the one stored at its offset (in the given log generation): the same
/// event (user, movie, type, event time) or the same dead-letter value. Read through the position indexes.
/// Null when nothing is stored at that offset, so there is nothing to compare.
/// </summary>
public static class StoredRecordComparison
{
    private const string StoredEvent = """
        SELECT user_id, movie_id, event_type, event_timestamp FROM user_events
        WHERE kafka_partition = $1 AND kafka_log_generation = $2 AND kafka_offset = $3 LIMIT 1
        """;

    private const string StoredDeadLetter = """
        SELECT raw_value FROM user_events_rejected
        WHERE kafka_partition = $1 AND kafka_log_generation = $2 AND kafka_offset = $3 LIMIT 1
        """;

    public static async Task<bool?> MatchesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int partition, int generation, KafkaLogProbe probe, CancellationToken cancellationToken)
    {
        if (probe.Decoded is not UserEventBatch batch)
        {
            return null;
        }

        var storedEvent = await ReadAsync(connection, transaction, StoredEvent, partition, generation, probe.Offset,
            r => ((int UserId, int MovieId, string EventType, DateTimeOffset EventTime)?)(r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)), cancellationToken);
        var storedValue = await ReadAsync(connection, transaction, StoredDeadLetter, partition, generation, probe.Offset,
            r => r.IsDBNull(0) ? [] : r.GetFieldValue<byte[]>(0), cancellationToken);
        if (storedEvent is null && storedValue is null)
        {
            return null;
        }

        var kafkaEvent = batch.Events.Where(e => e.Offset == probe.Offset).Select(e => (UserEvent?)e).FirstOrDefault();
        var kafkaRejection = batch.Rejections.FirstOrDefault(r => r.Offset == probe.Offset);
        if (storedEvent is { } stored && kafkaEvent is { } record)
        {
            return stored.UserId == record.UserId && stored.MovieId == record.MovieId
                && stored.EventType == record.EventType && stored.EventTime == record.EventTime;
        }

        if (storedValue is not null && kafkaRejection is not null)
        {
            return storedValue.AsSpan().SequenceEqual(kafkaRejection.Value ?? []);
        }

        return false;
    }

    private static async Task<T?> ReadAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, int partition, int generation, long offset, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = offset });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : default;
    }
}
