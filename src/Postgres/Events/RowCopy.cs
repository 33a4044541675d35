using Npgsql;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// Binary COPY of a range of rows into <c>user_events</c> or <c>user_events_rejected</c> (<see cref="BinaryCopyWriter"/>).
/// Cancellation is checked between rows only, so a cancelled COPY is always aborted whole, never cut in a write.
/// </summary>
public static class RowCopy
{
    private const string CopyEvents =
        "COPY user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset, kafka_log_generation) FROM STDIN (FORMAT BINARY)";

    private const string CopyRejections =
        "COPY user_events_rejected (kafka_partition, kafka_offset, raw_key, raw_value, reason, received_at, kafka_log_generation) FROM STDIN (FORMAT BINARY)";

    public static async Task EventsAsync(NpgsqlConnection connection, IReadOnlyList<EventRow> rows, int from, int to, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        await using var stream = await connection.BeginRawBinaryCopyAsync(CopyEvents, CancellationToken.None);
        using var writer = new BinaryCopyWriter(stream);
        try
        {
            for (var i = from; i < to; i++)
            {
                if ((i & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var row = rows[i];
                var e = row.Event;
                writer.StartRow(8);
                writer.WriteInt32(e.UserId);
                writer.WriteInt32(e.MovieId);
                writer.WriteText(e.EventType);
                writer.WriteTimestampFromUnixMilliseconds(e.TimestampMs);
                writer.WriteTimestamp(processedAt);
                writer.WriteInt32(row.Partition);
                writer.WriteInt64(e.Offset);
                writer.WriteInt32(row.LogGeneration);
                if (writer.ShouldFlush)
                {
                    await writer.FlushAsync();
                }
            }

            await writer.CompleteAsync();
        }
        catch
        {
            // Disposing a raw COPY stream ends the COPY and keeps what was sent: a failed write must abort it instead.
            await stream.CancelAsync();
            throw;
        }
    }

    public static async Task DeadLettersAsync(NpgsqlConnection connection, IReadOnlyList<DeadLetterRow> rows, int from, int to, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var stream = await connection.BeginRawBinaryCopyAsync(CopyRejections, CancellationToken.None);
        using var writer = new BinaryCopyWriter(stream);
        try
        {
            for (var i = from; i < to; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var row = rows[i];
                writer.StartRow(7);
                writer.WriteInt32(row.Partition);
                writer.WriteInt64(row.Record.Offset);
                WriteNullable(writer, row.Record.Key);
                WriteNullable(writer, row.Record.Value);
                writer.WriteText(row.Record.Reason);
                writer.WriteTimestamp(receivedAt);
                writer.WriteInt32(row.LogGeneration);
                if (writer.ShouldFlush)
                {
                    await writer.FlushAsync();
                }
            }

            await writer.CompleteAsync();
        }
        catch
        {
            // Disposing a raw COPY stream ends the COPY and keeps what was sent: a failed write must abort it instead.
            await stream.CancelAsync();
            throw;
        }
    }

    private static void WriteNullable(BinaryCopyWriter writer, byte[]? bytes)
    {
        if (bytes is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.WriteBytes(bytes);
        }
    }
}
