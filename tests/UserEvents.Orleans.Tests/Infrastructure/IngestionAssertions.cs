using System.Globalization;
using Npgsql;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>Reconciles what PostgreSQL holds with what was produced to Kafka.</summary>
public static class IngestionAssertions
{
    // How long the totals must stay the same before a wait returns: a duplicate committed after the count was first
    // reached (a second copy of a batch, a re-read after a reset) lands within it.
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(20);

    /// <param name="Events">rows in user_events</param>
    /// <param name="Rejected">dead letters in user_events_rejected</param>
    /// <param name="DuplicateOffsets">(partition, generation, offset) stored more than once, over both tables</param>
    /// <param name="CheckpointSum">sum of the checkpoints' next offsets</param>
    /// <param name="OffsetsWithGaps">offsets in [start, checkpoint) of each checkpoint's generation neither stored, nor in a range the ledger records as lost, nor among the offsets a stored range records Kafka did not deliver (transaction markers, aborted records)</param>
    /// <param name="BeyondCheckpoint">rows at or beyond their partition's checkpoint, or of a generation after the checkpoint's</param>
    /// <param name="CounterMismatches">(partition, event type) counters and per-partition dead-letter counters that differ from the rows, and partitions whose ledger sums differ from the rows</param>
    public sealed record Totals(long Events, long Rejected, long DuplicateOffsets, long CheckpointSum, long OffsetsWithGaps, long BeyondCheckpoint, long CounterMismatches)
    {
        public long Stored => Events + Rejected;
    }

    public static async Task<Totals> ReadTotalsAsync(string connectionString, string topic)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            WITH stored AS (
                SELECT kafka_partition AS p, kafka_log_generation AS g, kafka_offset AS o FROM user_events
                UNION ALL
                SELECT kafka_partition, kafka_log_generation, kafka_offset FROM user_events_rejected),
            checkpoints AS (
                SELECT partition AS p, log_generation AS g, coalesce(start_offset, 0) AS start, next_offset FROM kafka_checkpoints WHERE topic = $1),
            lost AS (
                SELECT partition AS p, log_generation AS g, from_offset, to_offset FROM kafka_commit_ledger WHERE topic = $1 AND kind = 'lost'),
            undelivered AS (
                SELECT partition AS p, log_generation AS g, from_offset, to_offset - from_offset - delivered AS n FROM kafka_commit_ledger
                WHERE topic = $1 AND kind = 'stored' AND delivered IS NOT NULL),
            event_counts AS (
                SELECT coalesce(c.p, r.p) AS p FROM
                    (SELECT kafka_partition AS p, event_type AS t, sum(events) AS n FROM event_type_counts GROUP BY 1, 2) c
                    FULL JOIN (SELECT kafka_partition AS p, event_type AS t, count(*) AS n FROM user_events GROUP BY 1, 2) r
                    ON r.p = c.p AND r.t = c.t
                WHERE c.n IS DISTINCT FROM r.n),
            rejected AS (
                SELECT coalesce(c.p, r.p) AS p FROM
                    (SELECT kafka_partition AS p, sum(rejected) AS n FROM rejected_counts GROUP BY 1) c
                    FULL JOIN (SELECT kafka_partition AS p, count(*) AS n FROM user_events_rejected GROUP BY 1) r ON r.p = c.p
                WHERE c.n IS DISTINCT FROM r.n),
            ledger AS (
                SELECT coalesce(l.p, r.p) AS p FROM
                    (SELECT partition AS p, sum(events) AS e, sum(rejected) AS r FROM kafka_commit_ledger WHERE topic = $1 AND kind = 'stored' GROUP BY 1) l
                    FULL JOIN (SELECT p, count(*) FILTER (WHERE t = 'e') AS e, count(*) FILTER (WHERE t = 'r') AS r FROM (
                        SELECT kafka_partition AS p, 'e' AS t FROM user_events UNION ALL SELECT kafka_partition, 'r' FROM user_events_rejected) x GROUP BY 1) r
                    ON r.p = l.p
                WHERE l.e IS DISTINCT FROM r.e OR l.r IS DISTINCT FROM r.r)
            SELECT
                (SELECT count(*) FROM user_events),
                (SELECT count(*) FROM user_events_rejected),
                (SELECT count(*) FROM (SELECT p, g, o FROM stored GROUP BY p, g, o HAVING count(*) > 1) d),
                (SELECT coalesce(sum(next_offset), 0) FROM checkpoints),
                (SELECT coalesce(sum(c.next_offset - c.start
                    - (SELECT count(DISTINCT s.o) FROM stored s WHERE s.p = c.p AND s.g = c.g AND s.o >= c.start AND s.o < c.next_offset)
                    - (SELECT coalesce(sum(least(l.to_offset, c.next_offset) - greatest(l.from_offset, c.start)), 0) FROM lost l
                       WHERE l.p = c.p AND l.g = c.g AND l.to_offset > c.start AND l.from_offset < c.next_offset)
                    - (SELECT coalesce(sum(u.n), 0) FROM undelivered u WHERE u.p = c.p AND u.g = c.g AND u.from_offset >= c.start AND u.from_offset < c.next_offset)), 0) FROM checkpoints c),
                (SELECT count(*) FROM stored s JOIN checkpoints c ON c.p = s.p WHERE s.g > c.g OR (s.g = c.g AND s.o >= c.next_offset)),
                (SELECT count(*) FROM event_counts) + (SELECT count(*) FROM rejected) + (SELECT count(*) FROM ledger)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Totals(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
    }

    /// <summary>
    /// Waits until events + dead letters reach <paramref name="expected"/> and then until the totals have not changed
    /// for a quiet period (2 s), and returns them: what a late duplicate or a second copy would have added is in them.
    /// </summary>
    public static async Task<Totals> WaitForStoredAsync(string connectionString, string topic, long expected, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        Totals totals;
        do
        {
            totals = await ReadTotalsAsync(connectionString, topic);
            if (totals.Stored >= expected)
            {
                return await WaitUntilQuietAsync(connectionString, topic, totals);
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"Only {totals.Events} events + {totals.Rejected} rejected of {expected} stored within {timeout}.{Environment.NewLine}{diagnostics?.Invoke()}");
    }

    /// <summary>
    /// Exactly once, for a topic whose every partition was read from offset 0 of one log: every produced offset stored once,
    /// in exactly one table, nothing beyond a checkpoint, the checkpoints cover them all, and the counters and the ledger
    /// equal what the rows say.
    /// </summary>
    public static void AssertExactlyOnce(Totals totals, long produced, long malformed)
    {
        Assert.Equal(produced - malformed, totals.Events);
        Assert.Equal(malformed, totals.Rejected);
        Assert.Equal(0, totals.DuplicateOffsets);
        Assert.Equal(produced, totals.CheckpointSum);
        Assert.Equal(0, totals.OffsetsWithGaps);
        Assert.Equal(0, totals.BeyondCheckpoint);
        Assert.Equal(0, totals.CounterMismatches);
    }

    /// <summary>
    /// The CLI's <c>verify</c> (and its deep recount) against the database and the broker's watermarks: exit 0 and nothing
    /// missing, duplicated or unexpected. A check from outside the test's own SQL.
    /// </summary>
    /// <returns>What verify wrote.</returns>
    public static async Task<string> AssertVerifiedAsync(string connectionString, string brokers, string topic)
    {
        var result = await RunVerifyAsync(connectionString, brokers, topic);
        var output = result.StandardOutput + result.StandardError;
        Assert.True(result.ExitCode == 0, output);
        Assert.Contains(": 0 missing, 0 duplicated, 0 unexpected", output, StringComparison.Ordinal);
        return output;
    }

    /// <summary>The CLI's <c>verify --deep</c> against the database and the broker.</summary>
    public static Task<ProcessResult> RunVerifyAsync(string connectionString, string brokers, string topic)
    {
        var pg = new NpgsqlConnectionStringBuilder(connectionString);
        return UserEventsCli.RunAsync(
            new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = pg.Password ?? "" },
            "verify", "--deep", "--brokers", brokers, "--topic", topic,
            "--postgres-host", pg.Host!, "--postgres-port", pg.Port.ToString(CultureInfo.InvariantCulture),
            "--postgres-db", pg.Database!, "--postgres-user", pg.Username!);
    }

    private static async Task<Totals> WaitUntilQuietAsync(string connectionString, string topic, Totals totals)
    {
        var limit = DateTime.UtcNow + QuietLimit;
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow - quietSince < QuietPeriod && DateTime.UtcNow < limit)
        {
            await Task.Delay(250);
            var now = await ReadTotalsAsync(connectionString, topic);
            if (now != totals)
            {
                totals = now;
                quietSince = DateTime.UtcNow;
            }
        }

        return totals;
    }
}
