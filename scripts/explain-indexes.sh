#!/usr/bin/env bash
# EXPLAIN of every query the product runs on user_events, with the seed's indexes and after sql/0009_index_review.sql,
# on ROWS synthetic rows (default 1,000,000). Prints markdown.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PGPORT="${PGPORT:-5433}" PGPASSWORD="${PGPASSWORD:-postgres}"
ROWS="${ROWS:-1000000}"
DB="explain_$(date +%s)"
P="psql -h 127.0.0.1 -p $PGPORT -U postgres -v ON_ERROR_STOP=1 -q"
$P -d postgres -c "CREATE DATABASE $DB"
trap '$P -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null' EXIT
for f in "$ROOT"/sql/000[1-7]_*.sql; do $P -d "$DB" -f "$f"; done
$P -d "$DB" -c "INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset)
  SELECT ((i * 7919) % 100000 + 1)::int, ((i * 104729) % 20000 + 1)::int, (ARRAY['view','click','play','pause','stop','rate','search','add_to_watchlist'])[(i % 8 + 1)::int],
         now() - interval '22 hours' + i * interval '80 milliseconds', now() - interval '22 hours' + i * interval '80 milliseconds' + interval '150 milliseconds', (i % 6)::int, i / 6
  FROM generate_series(0::bigint, $ROWS - 1) AS i; ANALYZE user_events;"
queries=(
  "get_user_events (seed function; user stats' latest)|SELECT * FROM user_events WHERE user_id = 4242 ORDER BY event_timestamp DESC LIMIT 100"
  "user stats: counts by type|SELECT event_type, count(*) FROM user_events WHERE user_id = 4242 GROUP BY event_type"
  "movie stats: distinct users|SELECT count(DISTINCT user_id) FROM user_events WHERE movie_id = 777"
  "movie stats: latest|SELECT * FROM user_events WHERE movie_id = 777 ORDER BY event_timestamp DESC, id DESC LIMIT 20"
  "top movies over a window|SELECT movie_id, count(*) FROM user_events WHERE event_timestamp > now() - interval '1 hour' GROUP BY movie_id ORDER BY count(*) DESC LIMIT 10"
  "processing rate (seed monitoring query)|SELECT date_trunc('minute', processed_at), count(*) FROM user_events WHERE processed_at > now() - interval '1 hour' GROUP BY 1"
  "get_recent_events (seed function)|SELECT * FROM user_events ORDER BY id DESC LIMIT 10"
)
explain_all() {
  echo "| query | plan | time |"; echo "|---|---|---|"
  for q in "${queries[@]}"; do
    name="${q%%|*}"; sql="${q#*|}"
    plan=$($P -d "$DB" -tA -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) $sql")
    nodes=$(echo "$plan" | grep -oE "(Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|Bitmap Heap Scan|Seq Scan|Parallel Seq Scan)( using [a-z_]+| on [a-z_]+)?" | sort -u | paste -sd ';' | sed 's/;/; /g')
    ms=$(echo "$plan" | grep -oE "Execution Time: [0-9.]+ ms" | grep -oE "[0-9.]+ ms")
    echo "| $name | $nodes | $ms |"
  done
}
size() { $P -d "$DB" -tA -c "SELECT string_agg(indexrelname || ' ' || pg_size_pretty(pg_relation_size(indexrelid)), ', ' ORDER BY indexrelname) FROM pg_stat_user_indexes WHERE relname = 'user_events'"; }
echo "### With the seed's indexes ($ROWS rows)"; echo; explain_all; echo; echo "Indexes: $(size)"; echo
$P -d "$DB" -f "$ROOT/sql/0009_index_review.sql"; $P -d "$DB" -c "ANALYZE user_events"
echo "### After sql/0009_index_review.sql"; echo; explain_all; echo; echo "Indexes: $(size)"
