#!/usr/bin/env bash
# Retention under ingest, at scale (docs/PARTITIONS.md). Fills two old daily partitions of user_events with ROWS rows
# each, server-side, then drops each while pgbench appends 1,000-row INSERT transactions into the hot partition (the same
# ROW EXCLUSIVE lock as the commit's COPY): once with the default partition (plain DETACH inside sql/0019's
# event_partitions_retire, lock_timeout 500 ms) and once without it (DETACH ... CONCURRENTLY, then event_partitions_retire);
# each time event_partitions_purge (DROP TABLE) follows in its own transaction, as the silo's maintenance does.
# Prints the drop's duration and the inserts' latency: median, longest, and longest among those that overlapped the drop.
#
# Usage: scripts/retention-lock-wait.sh [rows per day, default 5000000]
# Server: PGHOST/PGPORT/PGUSER/PGPASSWORD (default: the test server 127.0.0.1:5433, postgres/postgres); it makes and
# drops its own database.
set -euo pipefail
rows=${1:-5000000}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5433} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}
export PGOPTIONS='-c client_min_messages=warning'
root=$(cd "$(dirname "$0")/.." && pwd)
db=ue_retention_$$
work=$(mktemp -d)
cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }
now_us() { date +%s%6N; }

createdb "$db"
for script in "$root"/sql/[0-9]*.sql; do
    sql -f "$script" >/dev/null
done

day0=$(sql -c "SELECT to_char(date_trunc('day', now() AT TIME ZONE 'UTC') - interval '3 days', 'YYYY-MM-DD')")
# The legacy partitions end three days ago, as after days of running; then daily partitions from there to 3 days ahead.
for parent in user_events:processed_at user_events_rejected:received_at; do
    table=${parent%%:*} key=${parent##*:}
    sql -c "ALTER TABLE $table DETACH PARTITION ${table}_legacy" \
        -c "ALTER TABLE ${table}_legacy DROP CONSTRAINT ${table}_legacy_bound" \
        -c "ALTER TABLE ${table}_legacy ADD CONSTRAINT ${table}_legacy_bound CHECK ($key < '$day0 00:00+00')" \
        -c "ALTER TABLE $table ATTACH PARTITION ${table}_legacy FOR VALUES FROM (MINVALUE) TO ('$day0 00:00+00')" \
        -c "UPDATE event_partitions SET to_at = '$day0 00:00+00' WHERE partition = '${table}_legacy'" \
        -c "SELECT count(*) FROM event_partitions_ensure('$table', '1 day', 3)" >/dev/null
done

fill() { # $1 = day offset from day0: one day of rows spread over the day, random users and movies, and its counters
    local start
    start=$(sql -c "SELECT '$day0 00:00+00'::timestamptz + interval '$1 days'")
    local began; began=$(now_us)
    sql -c "INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset)
            SELECT (random() * 1000000)::int, (random() * 50000)::int, (ARRAY['view', 'like', 'share', 'rate'])[1 + g % 4],
                   '$start'::timestamptz + (g % 86400) * interval '1 second', '$start'::timestamptz + (g % 86400) * interval '1 second', g % 6, g
            FROM generate_series(1, $rows) g" \
        -c "INSERT INTO event_type_counts (bucket, kafka_partition, event_type, events, first_event, last_event)
            SELECT '$start', kafka_partition, event_type, count(*), min(event_timestamp), max(event_timestamp)
            FROM user_events WHERE processed_at >= '$start' AND processed_at < '$start'::timestamptz + interval '1 day'
            GROUP BY kafka_partition, event_type"
    echo "filled $(partition "$1"): $rows rows, $(sql -c "SELECT pg_size_pretty(pg_total_relation_size('$(partition "$1")'))") with indexes, in $(( ($(now_us) - began) / 1000000 )) s" >&2
}
partition() { sql -c "SELECT 'user_events_p' || to_char('$day0'::date + $1, 'YYYYMMDD') || 't0000'"; }

cat >"$work/insert.sql" <<'SQL'
INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset)
SELECT (random() * 1000000)::int, (random() * 50000)::int, 'view', now(), now(), 0, g FROM generate_series(1, 1000) g;
SQL

measure() { # $1 = label, $2 = day offset of the partition, $3... = statements that drop it
    local label=$1 day=$2 table; table=$(partition "$2"); shift 2
    sql -c "CHECKPOINT"
    pgbench -n -c 2 -T 8 -f "$work/insert.sql" -l --log-prefix="$work/$label" "$db" >"$work/$label.out" 2>&1 &
    local bench=$!
    sleep 3
    local from; from=$(now_us)
    local server=0 each=""
    for statement in "$@"; do
        # \timing: the statement's own time, without psql's start.
        local took; took=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c '\timing on' -c "$statement" | awk '/^Time:/ { print $2 }')
        server=$(awk -v a="$server" -v b="$took" 'BEGIN { print a + b }')
        each="$each${each:+ + }${statement%%(*}: $took ms"
    done
    local to; to=$(now_us)
    wait "$bench" || { cat "$work/$label.out" >&2; exit 1; }
    # pgbench's per-transaction log: client, transaction, latency (us), script, end epoch (s), end (us).
    local median
    median=$(cat "$work/$label".[0-9]* | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int(NR / 2) + 1] / 1000 }')
    cat "$work/$label".[0-9]* | awk -v from="$from" -v to="$to" -v label="$label" -v table="$table" -v median="$median" -v server="$server" -v each="$each" '
        { latency = $3; finish = $5 * 1000000 + $6; start = finish - latency; n++
          if (latency > longest) longest = latency
          if (start <= to && finish >= from && latency > overlapping) overlapping = latency }
        END { printf "%s: drop of %s took %s ms (%s; %.1f ms with the psql starts); %d inserts of 1000 rows: median %s ms, longest %.1f ms, longest overlapping the drop %.1f ms\n",
              label, table, server, each, (to - from) / 1000, n, median, longest / 1000, overlapping / 1000 }'
    local start="'$day0 00:00+00'::timestamptz + interval '$day days'"
    echo "  afterwards: $table exists: $(sql -c "SELECT to_regclass('$table') IS NOT NULL"), rows of its day: $(sql -c "SELECT count(*) FROM user_events WHERE processed_at >= $start AND processed_at < $start + interval '1 day'"), its counters: $(sql -c "SELECT count(*) FROM event_type_counts WHERE bucket = $start")"
}

fill 0
fill 1
echo "PostgreSQL $(sql -c 'SHOW server_version'), shared_buffers $(sql -c 'SHOW shared_buffers'); $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
p0=$(partition 0) p1=$(partition 1)
# The maintenance's two transactions (sql/0019): retire (detach, counters, registry), then purge (DROP TABLE: its COMMIT
# removes the files). The inserts overlapping either show whether ingestion waited.
measure "with-default-partition" 0 "SELECT event_partitions_retire('$p0', '1 day')" "SELECT event_partitions_purge('$p0')"
sql -c "DROP TABLE user_events_default"
measure "without-default-partition" 1 "ALTER TABLE user_events DETACH PARTITION $p1 CONCURRENTLY" "SELECT event_partitions_retire('$p1', '1 day')" "SELECT event_partitions_purge('$p1')"
