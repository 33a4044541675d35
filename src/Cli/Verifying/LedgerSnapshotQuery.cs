using System.Data;
using Npgsql;

namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// Reads a topic's checkpoints, resets and ledger in ONE repeatable-read snapshot, so the checkpoints and the ranges
/// agree even while flushes commit. The ledger is summarised in SQL (one ordered pass over its primary key); the event
/// tables are read only by the deep recount, through their position indexes. The event tables and counters have no
/// topic column, so the database is taken to hold one topic.
/// </summary>
public static class LedgerSnapshotQuery
{
    public const int DefectsListed = 20;
    public const int LostListed = 100;

    private const string Checkpoints = "SELECT partition, next_offset, start_offset, log_generation FROM kafka_checkpoints WHERE topic = $1 ORDER BY partition";

    private const string Resets = """
        SELECT partition, from_offset, to_offset, from_generation, to_generation, kind, reason
        FROM kafka_offset_resets WHERE topic = $1 ORDER BY partition, id
        """;

    // reach: the furthest to_offset of the earlier ranges of the same (partition, generation). owed: the rows a range must
    // hold, the records Kafka delivered for it (null before they were recorded: its length).
    private const string Reached = """
        WITH l AS (
            SELECT partition, log_generation, from_offset, to_offset, events, rejected, kind, bucket, delivered,
                   coalesce(delivered, to_offset - from_offset) AS owed,
                   max(to_offset) OVER (PARTITION BY partition, log_generation ORDER BY from_offset ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
            FROM kafka_commit_ledger WHERE topic = $1)
        """;

    private const string Chains = Reached + """
        SELECT partition, log_generation, count(*), min(from_offset), max(to_offset),
               count(*) FILTER (WHERE from_offset > reach), coalesce(sum(from_offset - reach) FILTER (WHERE from_offset > reach), 0)::bigint,
               count(*) FILTER (WHERE from_offset < reach), coalesce(sum(least(reach, to_offset) - from_offset) FILTER (WHERE from_offset < reach), 0)::bigint,
               count(*) FILTER (WHERE kind = 'stored' AND (events + rejected <> owed OR owed > to_offset - from_offset)),
               sum(events)::bigint, sum(rejected)::bigint,
               count(*) FILTER (WHERE kind = 'lost'), coalesce(sum(to_offset - from_offset) FILTER (WHERE kind = 'lost'), 0)::bigint,
               coalesce(sum(events) FILTER (WHERE live), 0)::bigint, coalesce(sum(rejected) FILTER (WHERE live), 0)::bigint,
               coalesce(sum(to_offset - from_offset - owed) FILTER (WHERE kind = 'stored'), 0)::bigint
        FROM (SELECT l.*, (bucket IS NULL OR bucket = 'infinity' OR bucket = ANY (live.buckets)) AS live
              FROM l, (SELECT array_agg(from_at) AS buckets FROM event_partitions WHERE parent = 'user_events') live) l
        GROUP BY partition, log_generation ORDER BY partition, log_generation
        """;

    private const string Defects = Reached + """
        SELECT partition, log_generation, from_offset, to_offset, kind, events, rejected, reach, delivered
        FROM l WHERE from_offset <> reach OR (kind = 'stored' AND (events + rejected <> owed OR owed > to_offset - from_offset))
        ORDER BY partition, log_generation, from_offset LIMIT $2
        """;

    private const string Lost = """
        SELECT l.partition, l.log_generation, l.from_offset, l.to_offset,
               (SELECT r.reason FROM kafka_offset_resets r
                WHERE r.topic = l.topic AND r.partition = l.partition AND r.from_generation = l.log_generation AND r.from_offset = l.from_offset
                ORDER BY r.id DESC LIMIT 1)
        FROM kafka_commit_ledger l WHERE l.topic = $1 AND l.kind = 'lost'
        ORDER BY l.partition, l.log_generation, l.from_offset LIMIT $2
        """;

    private const string Counters = """
        SELECT partition, coalesce(c.events, 0), coalesce(r.rejected, 0)
        FROM (SELECT kafka_partition AS partition, sum(events)::bigint AS events FROM event_type_counts GROUP BY kafka_partition) c
        FULL JOIN (SELECT kafka_partition AS partition, sum(rejected)::bigint AS rejected FROM rejected_counts GROUP BY kafka_partition) r USING (partition)
        ORDER BY partition
        """;

    public static async Task<LedgerSnapshot> ReadAsync(string connectionString, string topic, DeepScope? deep, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

        var checkpoints = await ReadAllAsync(connection, Checkpoints, [topic], r => new CheckpointBounds(
            r.GetInt32(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetInt32(3)), cancellationToken);
        var resets = await ReadAllAsync(connection, Resets, [topic], r => new OffsetReset(
            r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), r.GetInt32(3), r.GetInt32(4), r.GetString(5), r.GetString(6)), cancellationToken);
        var chains = await ReadAllAsync(connection, Chains, [topic], r => (Chain: new LedgerChainSummary(
            r.GetInt32(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
            r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.GetInt64(13), r.GetInt64(16)),
            LiveEvents: r.GetInt64(14), LiveRejected: r.GetInt64(15)), cancellationToken);

        // The ranges themselves are listed only when the summary says there is something to list: a second pass over
        // the ledger costs as much as the first.
        var defects = chains.Any(c => c.Chain.Gaps + c.Chain.Overlaps + c.Chain.MiscountedRanges > 0)
            ? await ReadAllAsync(connection, Defects, [topic, DefectsListed], r => new LedgerRangeDefect(
                r.GetInt32(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetInt64(5), r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7), r.IsDBNull(8) ? null : r.GetInt64(8)), cancellationToken)
            : [];
        var lost = chains.Any(c => c.Chain.LostRanges > 0)
            ? await ReadAllAsync(connection, Lost, [topic, LostListed], r => new LostRange(
                r.GetInt32(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4)), cancellationToken)
            : [];
        var counted = await ReadAllAsync(connection, Counters, [], r => (Partition: r.GetInt32(0), Events: r.GetInt64(1), Rejected: r.GetInt64(2)), cancellationToken);
        var counters = PartitionCounters.Join(chains.Select(c => (c.Chain.Partition, c.LiveEvents, c.LiveRejected)), counted);

        var summaries = chains.Select(c => c.Chain).ToList();
        var recounts = new List<DeepRecount>();
        if (deep is not null)
        {
            // The recount sorts a window's offsets; with the default work_mem (4 MB) that sort spills to disk.
            await using (var memory = new NpgsqlCommand("SET LOCAL work_mem = '64MB'", connection))
            {
                await memory.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var verdict in VerifyJudgement.Judge(checkpoints, resets, summaries).Where(v => deep.Covers(v.Partition) && v.Start is not null && v.End is not null))
            {
                recounts.Add(await DeepRecountQuery.RecountAsync(connection, topic, verdict, deep, cancellationToken));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new LedgerSnapshot(checkpoints, resets, summaries, defects, lost, counters, recounts);
    }

    internal static async Task<List<T>> ReadAllAsync<T>(NpgsqlConnection connection, string sql, object[] parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
