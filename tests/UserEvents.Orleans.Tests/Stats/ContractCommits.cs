using System.Globalization;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>
/// Commits made in SQL the way docs/ARCHITECTURE.md's commit transaction makes them (sql/0017): rows and dead letters
/// of one offset range, the counters, one 'stored' ledger row and the checkpoint, in one transaction. Lets the stats and
/// verify tests fill a database without the pipeline, and at sizes the pipeline would take minutes for.
/// </summary>
public static class ContractCommits
{
    private const string Function = """
        CREATE OR REPLACE FUNCTION test_commit(p_topic text, p_partition integer, p_generation integer, p_from bigint,
                                               p_to bigint, p_reject_every integer, p_at timestamptz)
        RETURNS void LANGUAGE plpgsql AS
        $$
        DECLARE
            b timestamptz := coalesce((SELECT from_at FROM event_partitions WHERE parent = 'user_events' AND p_at >= from_at AND p_at < to_at), 'infinity');
            stored bigint;
            refused bigint;
        BEGIN
            INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_log_generation, kafka_offset)
            SELECT (o % 1000)::integer, (o % 50)::integer, (ARRAY['view', 'click', 'rate', 'share'])[1 + o % 4], p_at - make_interval(secs => o % 3600), p_at,
                   p_partition, p_generation, o
            FROM generate_series(p_from, p_to - 1) o WHERE o % p_reject_every <> 0;
            GET DIAGNOSTICS stored = ROW_COUNT;
            INSERT INTO user_events_rejected (kafka_partition, kafka_log_generation, kafka_offset, reason, received_at)
            SELECT p_partition, p_generation, o, 'test', p_at FROM generate_series(p_from, p_to - 1) o WHERE o % p_reject_every = 0;
            GET DIAGNOSTICS refused = ROW_COUNT;

            INSERT INTO event_type_counts AS c (bucket, kafka_partition, event_type, events, first_event, last_event)
            SELECT b, p_partition, (ARRAY['view', 'click', 'rate', 'share'])[1 + o % 4], count(*), min(p_at - make_interval(secs => o % 3600)), max(p_at - make_interval(secs => o % 3600))
            FROM generate_series(p_from, p_to - 1) o WHERE o % p_reject_every <> 0 GROUP BY 3
            ON CONFLICT (bucket, kafka_partition, event_type) DO UPDATE
            SET events = c.events + excluded.events, first_event = least(c.first_event, excluded.first_event), last_event = greatest(c.last_event, excluded.last_event);
            IF refused > 0 THEN
                INSERT INTO rejected_counts AS r (bucket, kafka_partition, rejected) VALUES (b, p_partition, refused)
                ON CONFLICT (bucket, kafka_partition) DO UPDATE SET rejected = r.rejected + excluded.rejected;
            END IF;
            INSERT INTO ingest_minutes AS m (minute, kafka_partition, events, rejected) VALUES (date_trunc('minute', p_at), p_partition, stored, refused)
            ON CONFLICT (minute, kafka_partition) DO UPDATE SET events = m.events + excluded.events, rejected = m.rejected + excluded.rejected;

            INSERT INTO kafka_commit_ledger (topic, partition, log_generation, from_offset, to_offset, events, rejected, kind, bucket)
            VALUES (p_topic, p_partition, p_generation, p_from, p_to, stored, refused, 'stored', b);
            INSERT INTO kafka_checkpoints (topic, partition, next_offset, start_offset, log_generation) VALUES (p_topic, p_partition, p_to, p_from, p_generation)
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset, log_generation = excluded.log_generation, updated_at = now();
        END
        $$;
        """;

    /// <summary>A migrated database with the commit function.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var database = await PostgresServer.CreateMigratedDatabaseAsync(prefix);
        await PostgresServer.ExecuteAsync(database, Function);
        return database;
    }

    /// <summary>Commits [<paramref name="from"/>, <paramref name="to"/>) of a partition in flushes of <paramref name="flush"/> offsets; every <paramref name="rejectEvery"/>th offset is a dead letter.</summary>
    public static Task CommitAsync(string database, string topic, int partition, int generation, long from, long to, long flush, int rejectEvery, string processedAt = "now()")
    {
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT test_commit('{topic}', {partition}, {generation}, f, least(f + {flush}, {to}), {rejectEvery}, {processedAt})
            FROM generate_series({from}::bigint, {to - 1}::bigint, {flush}::bigint) f
            """);
        return PostgresServer.ExecuteAsync(database, sql);
    }
}
