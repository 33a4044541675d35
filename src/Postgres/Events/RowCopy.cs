using Npgsql;
using NpgsqlTypes;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>Binary COPY of a range of rows into <c>user_events</c> or <c>user_events_rejected</c>.</summary>
public static class RowCopy
{
    private const string CopyEvents =
        "COPY user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset, kafka_log_generation) FROM STDIN (FORMAT BINARY)";

    private const string CopyRejections =
        "COPY user_events_rejected (kafka_partition, kafka_offset, raw_key, raw_value, reason, received_at, kafka_log_generation) FROM STDIN (FORMAT BINARY)";

    public static void Events(NpgsqlConnection connection, IReadOnlyList<EventRow> rows, int from, int to, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        using var importer = connection.BeginBinaryImport(CopyEvents);
        for (var i = from; i < to; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var row = rows[i];
            var e = row.Event;
            importer.StartRow();
            importer.Write(e.UserId, NpgsqlDbType.Integer);
            importer.Write(e.MovieId, NpgsqlDbType.Integer);
            importer.Write(e.EventType, NpgsqlDbType.Varchar);
            importer.Write(e.EventTime, NpgsqlDbType.TimestampTz);
            importer.Write(processedAt, NpgsqlDbType.TimestampTz);
            importer.Write(row.Partition, NpgsqlDbType.Integer);
            importer.Write(e.Offset, NpgsqlDbType.Bigint);
            importer.Write(row.LogGeneration, NpgsqlDbType.Integer);
        }

        importer.Complete();
    }

    public static void DeadLetters(NpgsqlConnection connection, IReadOnlyList<DeadLetterRow> rows, int from, int to, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        using var importer = connection.BeginBinaryImport(CopyRejections);
        for (var i = from; i < to; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = rows[i];
            importer.StartRow();
            importer.Write(row.Partition, NpgsqlDbType.Integer);
            importer.Write(row.Record.Offset, NpgsqlDbType.Bigint);
            WriteNullable(importer, row.Record.Key);
            WriteNullable(importer, row.Record.Value);
            importer.Write(row.Record.Reason, NpgsqlDbType.Text);
            importer.Write(receivedAt, NpgsqlDbType.TimestampTz);
            importer.Write(row.LogGeneration, NpgsqlDbType.Integer);
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
}
