using Npgsql;

namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// Recounts one (partition, generation) window through the position indexes: the rows of both tables grouped by offset,
/// each placed in the ledger range that starts at or before it (one merge in offset order: a range's start is a mark,
/// a running max of the marks names the range of every offset), then counted per range.
/// </summary>
internal static class DeepRecountQuery
{
    private const string PerRange = """
        WITH ranges AS (
            SELECT from_offset, to_offset, kind, events + rejected AS counted, coalesce(delivered, to_offset - from_offset) AS owed FROM kafka_commit_ledger
            WHERE topic = $1 AND partition = $2 AND log_generation = $3 AND to_offset > $4 AND from_offset < $5),
        stored AS (
            SELECT kafka_offset AS o FROM user_events
            WHERE kafka_partition = $2 AND kafka_log_generation = $3 AND kafka_offset >= $4 AND kafka_offset < $5
            UNION ALL
            SELECT kafka_offset FROM user_events_rejected
            WHERE kafka_partition = $2 AND kafka_log_generation = $3 AND kafka_offset >= $4 AND kafka_offset < $5),
        per_offset AS (SELECT o, count(*) AS n FROM stored GROUP BY o),
        marks AS (SELECT from_offset AS o, 0::bigint AS n FROM ranges UNION ALL SELECT o, n FROM per_offset),
        placed AS (SELECT o, n, max(o) FILTER (WHERE n = 0) OVER (ORDER BY o, n) AS range_from FROM marks),
        counted AS (
            SELECT r.from_offset, r.to_offset, r.kind, r.counted, r.owed,
                   least(r.to_offset, $5) - greatest(r.from_offset, $4) AS window_length,
                   count(p.o) FILTER (WHERE p.o < r.to_offset) AS present,
                   count(p.o) FILTER (WHERE p.o < r.to_offset AND p.n > 1) AS duplicated,
                   coalesce(sum(p.n) FILTER (WHERE p.o < r.to_offset), 0)::bigint AS row_count,
                   coalesce(sum(p.n) FILTER (WHERE p.o >= r.to_offset), 0)::bigint AS beyond
            FROM ranges r LEFT JOIN placed p ON p.n > 0 AND p.range_from = r.from_offset
            GROUP BY r.from_offset, r.to_offset, r.kind, r.counted, r.owed)
        SELECT from_offset, to_offset, kind,
               CASE kind WHEN 'stored' THEN greatest(0, window_length - (to_offset - from_offset - owed) - present)
                         WHEN 'migrated' THEN greatest(0, window_length - (to_offset - from_offset - counted) - present)
                         ELSE 0 END,
               CASE WHEN kind = 'lost' THEN 0 ELSE duplicated END,
               CASE WHEN kind = 'lost' THEN row_count ELSE 0 END + beyond,
               row_count + beyond
        FROM counted
        UNION ALL
        SELECT NULL, NULL, 'outside', 0, 0, coalesce(sum(n), 0)::bigint, coalesce(sum(n), 0)::bigint FROM placed WHERE n > 0 AND range_from IS NULL
        """;

    // Rows of the generation outside its chain [start, end): only looked for when the whole chain is recounted.
    private const string Outside = """
        SELECT (SELECT count(*) FROM user_events WHERE kafka_partition = $1 AND kafka_log_generation = $2 AND (kafka_offset < $3 OR kafka_offset >= $4))
             + (SELECT count(*) FROM user_events_rejected WHERE kafka_partition = $1 AND kafka_log_generation = $2 AND (kafka_offset < $3 OR kafka_offset >= $4))
        """;

    public static async Task<DeepRecount> RecountAsync(NpgsqlConnection connection, string topic, GenerationVerdict chain, DeepScope scope, CancellationToken cancellationToken)
    {
        var start = chain.Start!.Value;
        var end = chain.End!.Value;
        var from = Math.Max(start, scope.From ?? start);
        var to = Math.Min(end, scope.To ?? end);
        if (from >= to)
        {
            return new DeepRecount(chain.Partition, chain.Generation, from, to, 0, 0, 0, 0, []);
        }

        var ranges = await LedgerSnapshotQuery.ReadAllAsync(
            connection, PerRange, [topic, chain.Partition, chain.Generation, from, to],
            r => (Defect: new DeepRangeDefect(r.IsDBNull(0) ? null : r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)), Rows: r.GetInt64(6)),
            cancellationToken);
        var outside = 0L;
        if (scope.From is null && scope.To is null)
        {
            outside = (await LedgerSnapshotQuery.ReadAllAsync(connection, Outside, [chain.Partition, chain.Generation, start, end], r => r.GetInt64(0), cancellationToken))[0];
        }

        var defects = ranges.Where(r => r.Defect.Missing + r.Defect.Duplicated + r.Defect.Unexpected > 0).Select(r => r.Defect).ToList();
        if (outside > 0)
        {
            defects.Add(new DeepRangeDefect(null, null, "outside the chain", 0, 0, outside));
        }

        return new DeepRecount(
            chain.Partition,
            chain.Generation,
            from,
            to,
            ranges.Sum(r => r.Rows) + outside,
            ranges.Sum(r => r.Defect.Missing),
            ranges.Sum(r => r.Defect.Duplicated),
            ranges.Sum(r => r.Defect.Unexpected) + outside,
            defects.Take(LedgerSnapshotQuery.DefectsListed).ToList());
    }
}
