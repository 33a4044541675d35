using Npgsql;

namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>
/// End-to-end latencies computed from the stored rows whose event_timestamp (the producer's send time, epoch ms)
/// falls in a window: processed_at - event_timestamp, and the time the row's checkpoint was seen committed - event_timestamp.
/// </summary>
public static class RowLatencies
{
    private const string Query = """
        SELECT kafka_partition, kafka_offset, event_timestamp, processed_at
        FROM user_events
        WHERE event_timestamp >= $1 AND event_timestamp < $2
        """;

    public static async Task<(LatencySummary ProcessedAt, LatencySummary Visible, long Negative)> MeasureAsync(
        NpgsqlDataSource dataSource, DateTimeOffset from, DateTimeOffset to, CheckpointWatcher watcher, CancellationToken cancellationToken)
    {
        var processed = LatencySummary.NewHistogram();
        var visible = LatencySummary.NewHistogram();
        long negative = 0;
        await using var command = dataSource.CreateCommand(Query);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var eventTime = new DateTimeOffset(reader.GetFieldValue<DateTime>(2));
            var processedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(3));
            var latency = Microseconds(processedAt - eventTime);
            if (latency < 0)
            {
                negative++;
            }

            processed.RecordValue(Math.Max(0, latency));
            var visibleAt = watcher.VisibleAt(reader.GetInt32(0), reader.GetInt64(1))
                ?? throw new InvalidOperationException("a stored row is beyond every checkpoint seen");
            visible.RecordValue(Math.Max(0, Microseconds(visibleAt - eventTime)));
        }

        return (LatencySummary.From(processed), LatencySummary.From(visible), negative);
    }

    private static long Microseconds(TimeSpan span) => span.Ticks / 10;
}
