using Npgsql;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>
/// The counters and the ledger the commit writes beside the rows, each next to what SQL counts in the rows themselves
/// (count(*) GROUP BY over user_events and user_events_rejected). Each method returns the keys that differ, described,
/// so an assertion names what is wrong rather than only that something is.
/// </summary>
public static class RowCounts
{
    // Per (Kafka partition, event type): events, first and last event time.
    private const string EventTypeCounts = """
        SELECT coalesce(r.kafka_partition, c.kafka_partition), coalesce(r.event_type, c.event_type),
               format('counters %s events (%s..%s), rows %s (%s..%s)', c.events, c.first_event, c.last_event, r.events, r.first_event, r.last_event)
        FROM (SELECT kafka_partition, event_type, count(*) AS events, min(event_timestamp) AS first_event, max(event_timestamp) AS last_event
              FROM user_events GROUP BY 1, 2) r
        FULL JOIN (SELECT kafka_partition, event_type, sum(events) AS events, min(first_event) AS first_event, max(last_event) AS last_event
                   FROM event_type_counts GROUP BY 1, 2) c
          ON c.kafka_partition = r.kafka_partition AND c.event_type = r.event_type
        WHERE (r.events, r.first_event, r.last_event) IS DISTINCT FROM (c.events, c.first_event, c.last_event)
        ORDER BY 1, 2
        """;

    private const string RejectedCounts = """
        SELECT coalesce(r.kafka_partition, c.kafka_partition), 'dead letters', format('counters %s, rows %s', c.rejected, r.rejected)
        FROM (SELECT kafka_partition, count(*) AS rejected FROM user_events_rejected GROUP BY 1) r
        FULL JOIN (SELECT kafka_partition, sum(rejected) AS rejected FROM rejected_counts GROUP BY 1) c USING (kafka_partition)
        WHERE r.rejected IS DISTINCT FROM c.rejected
        ORDER BY 1
        """;

    // Per Kafka partition: the 'stored' ranges' events and dead letters, and the offsets they cover.
    private const string Ledger = """
        SELECT coalesce(r.kafka_partition, l.partition), 'ledger',
               format('ledger %s events + %s dead letters over %s offsets, rows %s events + %s dead letters', l.events, l.rejected, l.offsets, r.events, r.rejected)
        FROM (SELECT kafka_partition, count(*) FILTER (WHERE event) AS events, count(*) FILTER (WHERE NOT event) AS rejected
              FROM (SELECT kafka_partition, true AS event FROM user_events UNION ALL SELECT kafka_partition, false FROM user_events_rejected) a
              GROUP BY 1) r
        FULL JOIN (SELECT partition, sum(events) AS events, sum(rejected) AS rejected, sum(to_offset - from_offset) AS offsets
                   FROM kafka_commit_ledger WHERE kind = 'stored' GROUP BY 1) l ON l.partition = r.kafka_partition
        WHERE (r.events, r.rejected, r.events + r.rejected) IS DISTINCT FROM (l.events, l.rejected, l.offsets)
        ORDER BY 1
        """;

    // Per minute of processed_at (received_at for dead letters) and Kafka partition.
    private const string Minutes = """
        SELECT coalesce(r.kafka_partition, m.kafka_partition), 'minute ' || coalesce(r.minute, m.minute),
               format('ingest_minutes %s events + %s dead letters, rows %s + %s', m.events, m.rejected, r.events, r.rejected)
        FROM (SELECT minute, kafka_partition, count(*) FILTER (WHERE event) AS events, count(*) FILTER (WHERE NOT event) AS rejected
              FROM (SELECT date_trunc('minute', processed_at, 'UTC') AS minute, kafka_partition, true AS event FROM user_events
                    UNION ALL SELECT date_trunc('minute', received_at, 'UTC'), kafka_partition, false FROM user_events_rejected) a
              GROUP BY 1, 2) r
        FULL JOIN ingest_minutes m ON m.minute = r.minute AND m.kafka_partition = r.kafka_partition
        WHERE (r.events, r.rejected) IS DISTINCT FROM (m.events, m.rejected)
        ORDER BY 1, 2
        """;

    /// <summary>Where <c>event_type_counts</c> or <c>rejected_counts</c> differ from the rows (what the stats and retention read).</summary>
    public static async Task<List<string>> CounterMismatchesAsync(string connectionString) =>
        [.. await MismatchesAsync(connectionString, EventTypeCounts), .. await MismatchesAsync(connectionString, RejectedCounts)];

    /// <summary>
    /// Where the ledger's stored ranges or <c>ingest_minutes</c> differ from the rows: only for databases where no
    /// partition was dropped and no minute pruned (both keep what retention removed from the rows, by design).
    /// </summary>
    public static async Task<List<string>> LedgerAndMinuteMismatchesAsync(string connectionString) =>
        [.. await MismatchesAsync(connectionString, Ledger), .. await MismatchesAsync(connectionString, Minutes)];

    /// <summary>Asserts that the counters, the ledger and the per-minute counts all equal what SQL counts in the rows.</summary>
    public static async Task AssertBookkeepingEqualsRowsAsync(string connectionString)
    {
        List<string> mismatches = [.. await CounterMismatchesAsync(connectionString), .. await LedgerAndMinuteMismatchesAsync(connectionString)];
        AssertNone(mismatches);
    }

    /// <summary>Fails with every mismatch on a line of its own (xunit would cut a collection's text short).</summary>
    public static void AssertNone(IReadOnlyList<string> mismatches) =>
        Assert.True(mismatches.Count == 0, "counted differently from the rows:\n" + string.Join("\n", mismatches));

    private static async Task<List<string>> MismatchesAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var mismatches = new List<string>();
        while (await reader.ReadAsync())
        {
            mismatches.Add($"partition {reader.GetInt32(0)} {reader.GetString(1)}: {reader.GetString(2)}");
        }

        return mismatches;
    }
}
