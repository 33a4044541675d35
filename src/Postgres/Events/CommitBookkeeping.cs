using Npgsql;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// The rows a flush writes beside the events, in the same transaction: one ledger entry per moved checkpoint, and the
/// counters (per time partition, Kafka partition and event type; dead letters; per minute). Keys are written in a fixed
/// order, so two flushes never deadlock on them; they are written last, just before the commit, so their row locks are
/// held for the commit only.
/// </summary>
public static class CommitBookkeeping
{
    // The time partition that holds the flush's rows: its from_at; 'infinity' when they went to the default partition.
    private const string EventBucket =
        "coalesce((SELECT from_at FROM event_partitions WHERE parent = 'user_events' AND from_at <= $1 AND to_at > $1), 'infinity'::timestamptz)";

    private const string RejectedBucket =
        "coalesce((SELECT from_at FROM event_partitions WHERE parent = 'user_events_rejected' AND from_at <= $1 AND to_at > $1), 'infinity'::timestamptz)";

    private const string Ledger = $"""
        INSERT INTO kafka_commit_ledger (topic, partition, log_generation, from_offset, to_offset, events, rejected, delivered, kind, bucket)
        SELECT m.topic, m.partition, m.generation, m.from_offset, m.to_offset, m.events, m.rejected, m.delivered, 'stored', {EventBucket}
        FROM unnest($2::text[], $3::integer[], $4::integer[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
             AS m(topic, partition, generation, from_offset, to_offset, events, rejected, delivered)
        ORDER BY m.topic, m.partition
        """;

    private const string EventCounts = $"""
        INSERT INTO event_type_counts AS c (bucket, kafka_partition, event_type, events, first_event, last_event)
        SELECT {EventBucket}, k.partition, k.event_type, k.events, k.first_event, k.last_event
        FROM unnest($2::integer[], $3::text[], $4::bigint[], $5::timestamptz[], $6::timestamptz[]) AS k(partition, event_type, events, first_event, last_event)
        ORDER BY k.partition, k.event_type
        ON CONFLICT (bucket, kafka_partition, event_type) DO UPDATE
        SET events = c.events + excluded.events,
            first_event = least(c.first_event, excluded.first_event),
            last_event = greatest(c.last_event, excluded.last_event)
        """;

    private const string RejectedCounts = $"""
        INSERT INTO rejected_counts AS c (bucket, kafka_partition, rejected)
        SELECT {RejectedBucket}, k.partition, k.rejected
        FROM unnest($2::integer[], $3::bigint[]) AS k(partition, rejected)
        ORDER BY k.partition
        ON CONFLICT (bucket, kafka_partition) DO UPDATE SET rejected = c.rejected + excluded.rejected
        """;

    private const string Minutes = """
        INSERT INTO ingest_minutes AS c (minute, kafka_partition, events, rejected)
        SELECT date_trunc('minute', $1, 'UTC'), k.partition, k.events, k.rejected
        FROM unnest($2::integer[], $3::bigint[], $4::bigint[]) AS k(partition, events, rejected)
        ORDER BY k.partition
        ON CONFLICT (minute, kafka_partition) DO UPDATE SET events = c.events + excluded.events, rejected = c.rejected + excluded.rejected
        """;

    public static async Task WriteAsync(NpgsqlConnection connection, CommitPlan plan, FlushTally tally, DateTimeOffset processedAt)
    {
        await using var batch = new NpgsqlBatch(connection);
        var moves = plan.Moves.OrderBy(m => m.Key.Topic, StringComparer.Ordinal).ThenBy(m => m.Key.Partition).ToArray();
        batch.BatchCommands.Add(Command(Ledger, processedAt,
            moves.Select(m => m.Key.Topic).ToArray(),
            moves.Select(m => m.Key.Partition).ToArray(),
            moves.Select(m => m.Value.LogGeneration).ToArray(),
            moves.Select(m => m.Value.From).ToArray(),
            moves.Select(m => m.Value.To).ToArray(),
            moves.Select(m => tally.EventsOf(m.Key.Partition)).ToArray(),
            moves.Select(m => tally.RejectedOf(m.Key.Partition)).ToArray(),
            moves.Select(m => m.Value.Delivered).ToArray()));

        var types = tally.Events.ToArray();
        if (types.Length > 0)
        {
            batch.BatchCommands.Add(Command(EventCounts, processedAt,
                types.Select(t => t.Key.Partition).ToArray(),
                types.Select(t => t.Key.EventType).ToArray(),
                types.Select(t => t.Value.Events).ToArray(),
                types.Select(t => t.Value.First).ToArray(),
                types.Select(t => t.Value.Last).ToArray()));
        }

        var rejected = tally.Rejected.ToArray();
        if (rejected.Length > 0)
        {
            batch.BatchCommands.Add(Command(RejectedCounts, processedAt, rejected.Select(r => r.Key).ToArray(), rejected.Select(r => r.Value).ToArray()));
        }

        var partitions = tally.Partitions.ToArray();
        if (partitions.Length > 0)
        {
            batch.BatchCommands.Add(Command(Minutes, processedAt,
                partitions,
                partitions.Select(tally.EventsOf).ToArray(),
                partitions.Select(tally.RejectedOf).ToArray()));
        }

        await batch.ExecuteNonQueryAsync();
    }

    private static NpgsqlBatchCommand Command(string sql, DateTimeOffset processedAt, params object[] arrays)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = processedAt });
        foreach (var array in arrays)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = array });
        }

        return command;
    }
}
