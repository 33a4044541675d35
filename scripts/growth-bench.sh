#!/usr/bin/env bash
# Growth benchmark (issue 11): does ingest slow down as the table fills? For each size N of rows already stored:
#   1. a fresh database, migrated; N rows filled server-side (generate_series) into the partition before the current
#      hour, its indexes built once, counters set — as an hour-old partition of a real deployment would be;
#   2. a backlog of --events events produced to the local broker, then drained by one silo through the pipeline into
#      the current hour's partition: rate = rows / (last processed_at - first processed_at);
#   3. --steady-seconds at --rate events/s from the producer: p50/p99 of processed_at - event_timestamp;
#   4. /api/stats latency (20 calls), table and index sizes.
#   scripts/growth-bench.sh                                  # N = 0 10M 50M 100M (needs ~40 GB of disk, an hour or more)
#   scripts/growth-bench.sh --stored "0 10000000" --events 1000000
# PostgreSQL: the one answering on 127.0.0.1:$PGPORT (scripts/postgres.sh starts this checkout's cluster, with
# deploy/postgres/recommended.conf); run once more against a cluster with defaults to compare. Quiet machine only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PGPORT="${PGPORT:-5433}" PGPASSWORD="${PGPASSWORD:-postgres}"
STORED="0 10000000 50000000 100000000"
EVENTS=1000000
RATE=20000
STEADY=30
INTERVAL="1 hour"
KAFKA_PORT="${LOCAL_KAFKA_PORT:-9192}"
while [ $# -gt 0 ]; do
  case "$1" in
    --stored) STORED="$2"; shift 2 ;;
    --events) EVENTS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --steady-seconds) STEADY="$2"; shift 2 ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "growth-bench: unknown option $1" >&2; exit 2 ;;
  esac
done
BIN="bin/Release/net10.0"
LOGS="$ROOT/.local/growth"; mkdir -p "$LOGS"
psql_() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
(exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null || "$ROOT/scripts/postgres.sh" start
dotnet build UserEvents.Orleans.sln -c Release -nologo -v quiet -clp:ErrorsOnly
LOCAL_KAFKA="tests/LocalKafka/$BIN/UserEvents.Orleans.LocalKafka.dll"
SILO="src/Silo/$BIN/UserEvents.Orleans.Silo.dll"
CLI="src/Cli/$BIN/user-events.dll"

pids=()
stop_all() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap stop_all EXIT INT TERM

silo_env() { # exec: started with &, $! is then the silo itself, so that stop_all stops it (not only a subshell)
  exec env -u HTTP_AUTH_TOKEN -u HTTP_BIND KAFKA_BROKER="127.0.0.1:$KAFKA_PORT" KAFKA_STARTING_OFFSETS=earliest \
    POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$PGPORT" POSTGRES_DB="$1" POSTGRES_USER=postgres POSTGRES_PASSWORD="$PGPASSWORD" \
    USER_EVENTS_PARTITION_INTERVAL="$INTERVAL" ORLEANS_ADVERTISED_IP=127.0.0.1 ORLEANS_SILO_PORT=11411 ORLEANS_GATEWAY_PORT=30400 HTTP_PORT=8480 "${@:2}"
}

fill() { # database, rows: the partition before the current hour holds them, indexes built once, counters match
  psql_ -d "$1" <<SQL
SET maintenance_work_mem = '1GB';
ALTER TABLE user_events DETACH PARTITION user_events_legacy;
ALTER TABLE user_events_legacy DROP CONSTRAINT IF EXISTS user_events_legacy_bound;
ALTER TABLE user_events_legacy DROP CONSTRAINT IF EXISTS user_events_legacy_pkey;
DO \$\$ DECLARE i record; BEGIN
  FOR i IN SELECT indexname FROM pg_indexes WHERE tablename = 'user_events_legacy' LOOP EXECUTE format('DROP INDEX %I', i.indexname); END LOOP;
END \$\$;
INSERT INTO user_events_legacy (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset, kafka_log_generation)
SELECT (random() * 1000000)::int, (random() * 20000)::int, (ARRAY['click', 'view', 'rate', 'share', 'watchlist'])[1 + g % 5],
       date_trunc('hour', now()) - interval '2 hours' + g * (interval '1 hour' / greatest($2, 1)),
       date_trunc('hour', now()) - interval '1 hour' + g * (interval '1 hour' / greatest($2, 1)) - interval '1 ms',
       g % 6, g / 6, 99
FROM generate_series(1, $2) g;
ALTER TABLE user_events_legacy ADD CONSTRAINT user_events_legacy_bound CHECK (processed_at < date_trunc('hour', now()));
SELECT 'attach', now();
DO \$\$ BEGIN
  EXECUTE format('ALTER TABLE user_events ATTACH PARTITION user_events_legacy FOR VALUES FROM (MINVALUE) TO (%L)', date_trunc('hour', now()));
END \$\$;
UPDATE event_partitions SET to_at = date_trunc('hour', now()) WHERE partition = 'user_events_legacy';
DELETE FROM event_type_counts WHERE bucket = '-infinity';
INSERT INTO event_type_counts SELECT '-infinity', kafka_partition, event_type, count(*), min(event_timestamp), max(event_timestamp)
FROM user_events_legacy GROUP BY 2, 3;
SELECT event_partitions_ensure('user_events', '$INTERVAL', 2);
VACUUM ANALYZE user_events_legacy;
SQL
}

report="$LOGS/results-$(date +%Y%m%d-%H%M%S).md"
{
  echo "# Growth benchmark $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(psql_ -d postgres -c 'SHOW server_version'); shared_buffers $(psql_ -d postgres -c 'SHOW shared_buffers'), max_wal_size $(psql_ -d postgres -c 'SHOW max_wal_size'), wal_compression $(psql_ -d postgres -c 'SHOW wal_compression'), checkpoint_timeout $(psql_ -d postgres -c 'SHOW checkpoint_timeout'). Partition interval $INTERVAL."
  echo
  echo "| rows already stored | fill + index build (s) | drain of $EVENTS events (events/s) | steady $RATE/s: p50 / p99 ms | /api/stats mean / max ms | table / indexes (MiB) |"
  echo "|---|---|---|---|---|---|"
} > "$report"

for n in $STORED; do
  db="growth_$n"
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  (silo_env "$db" dotnet "$SILO" --migrate-only) > "$LOGS/migrate-$n.log" 2>&1
  t0=$(date +%s.%N); fill "$db" "$n" > "$LOGS/fill-$n.log"; t1=$(date +%s.%N)
  fill_s=$(echo "$t1 - $t0" | bc)

  exec_kafka() { exec dotnet "$LOCAL_KAFKA" "$@"; }
  exec_kafka --port "$KAFKA_PORT" --topic user-events --partitions 6 > "$LOGS/kafka-$n.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 60); do grep -q '^READY' "$LOGS/kafka-$n.log" && break; sleep 0.5; done
  dotnet "$CLI" produce --brokers "127.0.0.1:$KAFKA_PORT" --topic user-events --rate 0 --count "$EVENTS" > "$LOGS/produce-$n.log" 2>&1
  drain_from=$(psql_ -d "$db" -c "SELECT now()")
  silo_env "$db" dotnet "$SILO" > "$LOGS/silo-$n.log" 2>&1 &
  pids+=($!)
  # The checkpoints say when the drain is done (counting the rows would read the filled partition each time).
  until [ "$(psql_ -d "$db" -c "SELECT coalesce(sum(next_offset - start_offset), 0) FROM kafka_checkpoints")" -ge "$EVENTS" ]; do sleep 1; done
  drain=$(psql_ -d "$db" -c "SELECT round(count(*) / extract(epoch FROM max(processed_at) - min(processed_at))) FROM user_events WHERE processed_at >= '$drain_from' AND kafka_log_generation = 0")

  steady_from=$(psql_ -d "$db" -c "SELECT now()")
  timeout $((STEADY + 5)) dotnet "$CLI" produce --brokers "127.0.0.1:$KAFKA_PORT" --topic user-events --rate "$RATE" --count $((RATE * STEADY)) > "$LOGS/steady-$n.log" 2>&1 || true
  sleep 3
  latency=$(psql_ -d "$db" -F ' / ' -c "SELECT round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY processed_at - event_timestamp))), round(1000 * extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY processed_at - event_timestamp))) FROM user_events WHERE processed_at > '$steady_from' AND kafka_log_generation = 0")

  stats=$(for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{time_total}\n' http://127.0.0.1:8480/api/stats; done | awk '{s+=$1; if ($1>m) m=$1} END {printf "%.0f / %.0f", 1000*s/NR, 1000*m}')
  sizes=$(psql_ -d "$db" -F ' / ' -c "SELECT round(sum(pg_table_size(c.oid)) / 1048576), round(sum(pg_indexes_size(c.oid)) / 1048576) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'user_events'::regclass")
  printf '| %s | %.0f | %s | %s | %s | %s |\n' "$n" "$fill_s" "$drain" "$latency" "$stats" "$sizes" >> "$report"
  stop_all
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done
echo >> "$report"; echo "Command: scripts/growth-bench.sh --stored \"$STORED\" --events $EVENTS --rate $RATE --steady-seconds $STEADY" >> "$report"
cat "$report"
echo "growth-bench: results in $report" >&2
