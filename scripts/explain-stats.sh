#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of every query behind the stats API, the ingestion page and the CLI (stats, user, movie,
# top, verify's ledger summary), on ROWS synthetic rows (default 1,000,000) generated server-side into a past (the
# legacy) partition, with the counters and the ledger the commit would have written for them. Prints markdown: a
# summary table, then every plan. Run it at 1M and 100M rows: the counts' plans must not change.
#   ROWS=10000000 scripts/explain-stats.sh > /tmp/explain-10m.md
#   SEED_VIEW=0 skips the seed's view user_events_stats (it reads every row: minutes at 100M); KEEP_DB=1 keeps the database.
# The SQL below is the SQL of src/Postgres/Stats/*Query.cs and src/Cli/Verifying/LedgerSnapshotQuery.cs with sample
# parameters; keep them in step.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5433}" PGUSER="${PGUSER:-postgres}" PGPASSWORD="${PGPASSWORD:-postgres}"
ROWS="${ROWS:-1000000}"
FLUSH="${FLUSH:-2000}"   # offsets per ledger range (one flush of one partition)
SEED_VIEW="${SEED_VIEW:-1}"
DB="${DB:-explainstats_$(date +%s)}"
P="psql -v ON_ERROR_STOP=1 -q -X"
if [[ -z "${REUSE:-}" ]]; then
  $P -d postgres -c "CREATE DATABASE $DB"
  [[ -n "${KEEP_DB:-}" ]] || trap '$P -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null' EXIT
  for f in "$ROOT"/sql/0*.sql; do $P -d "$DB" -f "$f" >/dev/null; done
  # The migrator's journal, so that a silo started on this database (POSTGRES_MIGRATE=false) finds the schema.
  $P -d "$DB" -c "CREATE TABLE schemaversions (schemaversionsid serial CONSTRAINT \"PK_schemaversions_Id\" PRIMARY KEY, scriptname varchar(255) NOT NULL, applied timestamp NOT NULL);
    INSERT INTO schemaversions (scriptname, applied) SELECT 'sql.' || f, now() FROM unnest(string_to_array('$(cd "$ROOT/sql" && ls 0*.sql | paste -sd,)', ',')) f"
  start=$(date +%s)
  # 6 Kafka partitions, offsets i / 6, one flush (processed_at) per FLUSH offsets of a partition, 1 in 100 a dead letter;
  # all of it in the 30 days before the legacy partition's bound.
  $P -d "$DB" <<SQL
SET synchronous_commit = off;
INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset)
SELECT ((i * 7919) % 100000 + 1)::int, ((i * 104729) % 20000 + 1)::int,
       (ARRAY['view','click','play','pause','stop','rate','search','add_to_watchlist'])[(i % 8 + 1)::int],
       now() - interval '30 days' + (i / 6) * (interval '30 days' / ($ROWS / 6 + 1)),
       now() - interval '30 days' + ((i / 6) / $FLUSH * $FLUSH) * (interval '30 days' / ($ROWS / 6 + 1)) + interval '1 second',
       (i % 6)::int, i / 6
FROM generate_series(0::bigint, $ROWS - 1) AS i WHERE i % 100 <> 99;
INSERT INTO user_events_rejected (kafka_partition, kafka_offset, raw_value, reason, received_at)
SELECT (i % 6)::int, i / 6, '\x7b'::bytea, 'invalid JSON',
       now() - interval '30 days' + ((i / 6) / $FLUSH * $FLUSH) * (interval '30 days' / ($ROWS / 6 + 1)) + interval '1 second'
FROM generate_series(99::bigint, $ROWS - 1, 100) AS i;
INSERT INTO event_type_counts (bucket, kafka_partition, event_type, events, first_event, last_event)
SELECT '-infinity', kafka_partition, event_type, count(*), min(event_timestamp), max(event_timestamp) FROM user_events GROUP BY 2, 3;
INSERT INTO rejected_counts (bucket, kafka_partition, rejected) SELECT '-infinity', kafka_partition, count(*) FROM user_events_rejected GROUP BY 2;
INSERT INTO ingest_minutes (minute, kafka_partition, events, rejected)
SELECT date_trunc('minute', processed_at), kafka_partition, count(*), 0 FROM user_events WHERE processed_at > now() - interval '1 hour' GROUP BY 1, 2;
INSERT INTO kafka_checkpoints (topic, partition, next_offset, start_offset)
SELECT 'user-events', p, ($ROWS - 1 - p) / 6 + 1, 0 FROM generate_series(0, 5) p;
INSERT INTO kafka_commit_ledger (topic, partition, log_generation, from_offset, to_offset, events, rejected, kind, bucket)
SELECT 'user-events', c.partition, 0, f, least(f + $FLUSH, c.next_offset),
       (SELECT count(*) FROM user_events e WHERE e.kafka_partition = c.partition AND e.kafka_log_generation = 0 AND e.kafka_offset >= f AND e.kafka_offset < f + $FLUSH),
       (SELECT count(*) FROM user_events_rejected r WHERE r.kafka_partition = c.partition AND r.kafka_log_generation = 0 AND r.kafka_offset >= f AND r.kafka_offset < f + $FLUSH),
       'stored', '-infinity'
FROM kafka_checkpoints c CROSS JOIN LATERAL generate_series(0::bigint, c.next_offset - 1, $FLUSH) f;
VACUUM ANALYZE;
SQL
  echo "_Filled $ROWS rows (events, dead letters, counters, ledger) in $(( $(date +%s) - start )) s._"; echo
fi

queries=(
  "stats: events by type (IngestionCountsQuery)|SELECT event_type, sum(events)::bigint FROM event_type_counts GROUP BY event_type ORDER BY 2 DESC, event_type"
  "stats: rejected (IngestionCountsQuery)|SELECT coalesce(sum(rejected), 0)::bigint FROM rejected_counts"
  "stats: 1 and 5 minute rates (IngestionCountsQuery)|SELECT coalesce(sum(events) FILTER (WHERE minute >= date_trunc('minute', now()) - make_interval(mins => 1)), 0)::bigint, coalesce(sum(events), 0)::bigint, now() FROM ingest_minutes WHERE minute >= date_trunc('minute', now()) - make_interval(mins => 5)"
  "partitions: checkpoints (CheckpointsQuery)|SELECT partition, next_offset, updated_at, owner FROM kafka_checkpoints WHERE topic = 'user-events' ORDER BY partition"
  "user: counts by type (UserStatsQuery)|SELECT event_type, count(*), min(event_timestamp), max(event_timestamp) FROM user_events WHERE user_id = 4242 GROUP BY event_type ORDER BY count(*) DESC, event_type"
  "user: latest (UserStatsQuery)|SELECT user_id, movie_id, event_type, event_timestamp, kafka_partition, kafka_offset FROM user_events WHERE user_id = 4242 ORDER BY event_timestamp DESC, id DESC LIMIT 20"
  "movie: counts by type (MovieStatsQuery)|SELECT event_type, count(*) FROM user_events WHERE movie_id = 777 GROUP BY event_type ORDER BY count(*) DESC, event_type"
  "movie: distinct users (MovieStatsQuery)|SELECT count(DISTINCT user_id) FROM user_events WHERE movie_id = 777"
  "movie: latest (MovieStatsQuery)|SELECT user_id, movie_id, event_type, event_timestamp, kafka_partition, kafka_offset FROM user_events WHERE movie_id = 777 ORDER BY event_timestamp DESC, id DESC LIMIT 20"
  "top movies of the last hour (TopMoviesQuery)|SELECT movie_id, count(*) FROM user_events WHERE event_timestamp > now() - interval '1 hour' GROUP BY movie_id ORDER BY count(*) DESC, movie_id LIMIT 10"
  "seed's view, fast (user_events_stats_fast)|SELECT * FROM user_events_stats_fast"
  "verify: ledger chains (LedgerSnapshotQuery)|WITH l AS (SELECT partition, log_generation, from_offset, to_offset, events, rejected, kind, max(to_offset) OVER (PARTITION BY partition, log_generation ORDER BY from_offset ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach FROM kafka_commit_ledger WHERE topic = 'user-events') SELECT partition, log_generation, count(*), min(from_offset), max(to_offset), count(*) FILTER (WHERE from_offset > reach), count(*) FILTER (WHERE from_offset < reach), count(*) FILTER (WHERE kind = 'stored' AND events + rejected <> to_offset - from_offset), sum(events), sum(rejected) FROM l GROUP BY partition, log_generation"
)
[[ "$SEED_VIEW" == 1 ]] && queries+=("seed's view (user_events_stats: reads every row)|SELECT * FROM user_events_stats")

plans=""
echo "Rows: $($P -d "$DB" -tA -c "SELECT (SELECT count(*) FROM user_events) || ' events, ' || (SELECT count(*) FROM user_events_rejected) || ' dead letters, ' || (SELECT count(*) FROM kafka_commit_ledger) || ' ledger ranges, ' || pg_size_pretty(pg_total_relation_size('user_events_legacy')) || ' user_events_legacy with its indexes'")."
echo
echo "| query | scans | shared buffers (hit+read) | time |"
echo "|---|---|---|---|"
for q in "${queries[@]}"; do
  name="${q%%|*}"; sql="${q#*|}"
  $P -d "$DB" -tA -c "$sql" >/dev/null   # warm: the figures are of a polled query
  plan=$($P -d "$DB" -tA -c "EXPLAIN (ANALYZE, BUFFERS) $sql")
  scans=$(echo "$plan" | grep -oE "(Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|Bitmap Heap Scan|Seq Scan|Parallel Seq Scan)( using [a-z0-9_]+)?( on [a-z0-9_]+)?" | sed -E 's/ using ([a-z0-9_]+) on ([a-z0-9_]+)/ \2 (\1)/' | sort | uniq -c | awk '{c=$1; $1=""; sub(/^ /,""); print (c>1? c"x ":"") $0}' | paste -sd ';' | sed 's/;/; /g')
  buffers=$(echo "$plan" | sed '/^Planning/,$d' | grep -oE "Buffers: shared( hit=[0-9]+)?( read=[0-9]+)?" | head -1 | grep -oE "[0-9]+" | paste -sd+ | bc 2>/dev/null || echo 0)
  ms=$(echo "$plan" | grep -oE "Execution Time: [0-9.]+ ms" | grep -oE "[0-9.]+ ms")
  echo "| $name | $scans | ${buffers:-0} | $ms |"
  plans+=$'\n'"#### $name"$'\n\n```\n'"$sql"$'\n\n'"$plan"$'\n```\n'
done
echo
echo "<details><summary>Plans</summary>"
echo "$plans"
echo "</details>"
