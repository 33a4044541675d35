#!/usr/bin/env bash
# Where the latency goes over time: one silo on a fresh database and local broker, the CLI producer at RATE events/s for
# SECONDS_RUN seconds, then, from SQL, latency (processed_at - event_timestamp) per 20 s window, and the moments when
# every partition stopped storing at once ("stalls": no new flush for > 300 ms on all partitions). While it runs it
# samples the CPU of the broker, the silo, the producer and PostgreSQL every 10 s (from /proc), and every 50 ms the
# PostgreSQL sessions that are inside a transaction (docs/BENCHMARKS.md, "The half-load tail"); from the silo's /metrics
# after 20 s and at the end, latency by stage (Kafka's part, read delay, against end-to-end).
#   scripts/latency-probe.sh                          # 16,000 events/s for 120 s
#   RATE=30000 SECONDS_RUN=300 scripts/latency-probe.sh
#   SILO_ENV="KAFKA_CLIENT_FETCH_WAIT_MAX_MS=10" scripts/latency-probe.sh   # extra environment for the silo
# Needs a Release build (scripts/test.sh or dotnet build -c Release) and this checkout's PostgreSQL (scripts/postgres.sh).
# Output in .local/latency-probe/YYYYMMDD-HHMMSS/: summary.txt, samples.txt (CPU), sessions.txt, logs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RATE="${RATE:-16000}"
SECONDS_RUN="${SECONDS_RUN:-120}"
DB="${DB:-latency_probe}"
export PGPORT="${PGPORT:-5433}" PGPASSWORD="${PGPASSWORD:-postgres}"
KAFKA_PORT=9192
HTTP_PORT=8190
OUT="$ROOT/.local/latency-probe/$(date +%Y%m%d-%H%M%S)"
BIN=bin/Release/net10.0
mkdir -p "$OUT"
sql() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }

"$ROOT/scripts/postgres.sh" start
sql -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB"

pids=()
cleanup() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# shellcheck source=lib/local-pipeline.sh
. "$ROOT/scripts/lib/local-pipeline.sh"
start_local_kafka "$KAFKA_PORT" "$OUT/kafka.log"
kafka=$KAFKA_PID; pids+=("$kafka")
# shellcheck disable=SC2086 # SILO_ENV is a list of NAME=value words
start_silo "$DB" "$KAFKA_PORT" 11190 30090 "$HTTP_PORT" "$OUT/silo.log" ${SILO_ENV:-}
silo=$SILO_PID; pids+=("$silo")
total=$((RATE * SECONDS_RUN))
dotnet "src/Cli/$BIN/user-events.dll" produce --brokers "127.0.0.1:$KAFKA_PORT" --topic user-events --rate "$RATE" --count "$total" > "$OUT/producer.log" 2>&1 &
producer=$!; pids+=("$producer")

# psql runs \watch only on a query in its buffer, so the query and the \watch come on stdin, not as two -c options.
printf '%s\n\\watch 0.05\n' "SELECT to_char(clock_timestamp(),'HH24:MI:SS.MS'), pid, state, coalesce(wait_event,'CPU'),
  round(extract(epoch FROM clock_timestamp() - state_change) * 1000), left(query, 24)
  FROM pg_stat_activity WHERE backend_type = 'client backend' AND state <> 'idle' AND query NOT LIKE '%pg_stat_activity%'" |
  sql -d "$DB" -At -F' ' > "$OUT/sessions.txt" 2>&1 &
watcher=$!; pids+=("$watcher")

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { local sum=0 p; for p in $(pgrep -u postgres postgres); do sum=$((sum + $(ticks "$p"))); done; echo "$sum"; }
stored() { sql -d "$DB" -tAc "SELECT coalesce(sum(next_offset), 0) FROM kafka_checkpoints" 2>/dev/null || echo 0; }
# The whole machine from /proc/stat: idle and steal (time the hypervisor gave to other guests), in percent of one core.
machine() { awk '/^cpu / {print $5, $9}' /proc/stat; }
scrape() { curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" > "$1" 2>/dev/null || true; }
hz=$(getconf CLK_TCK)
echo "seconds  broker%  silo%  producer%  postgres%  idle%  steal%  stored" > "$OUT/samples.txt"
k0=$(ticks "$kafka"); s0=$(ticks "$silo"); p0=$(ticks "$producer"); g0=$(pg_ticks); read -r i0 t0 < <(machine); start=$(date +%s)
while kill -0 "$producer" 2>/dev/null; do
  sleep 10
  k=$(ticks "$kafka"); s=$(ticks "$silo"); p=$(ticks "$producer"); g=$(pg_ticks); read -r i t < <(machine)
  printf '%7d  %7d  %5d  %9d  %9d  %5d  %6d  %s\n' $(( $(date +%s) - start )) $(( (k - k0) * 10 / hz )) $(( (s - s0) * 10 / hz )) \
    $(( (p - p0) * 10 / hz )) $(( (g - g0) * 10 / hz )) $(( (i - i0) * 10 / hz )) $(( (t - t0) * 10 / hz )) "$(stored)" >> "$OUT/samples.txt"
  k0=$k; s0=$s; p0=$p; g0=$g; i0=$i; t0=$t
  # The stage split leaves out the first 20 s (JIT, first connections), as the latency windows below do.
  [ -f "$OUT/metrics-start.txt" ] || [ $(( $(date +%s) - start )) -lt 20 ] || scrape "$OUT/metrics-start.txt"
done
for _ in $(seq 1 120); do [ "$(stored)" -ge "$total" ] && break; sleep 1; done
scrape "$OUT/metrics-end.txt"
kill -TERM "$watcher" 2>/dev/null || true

{
  rows=$(sql -d "$DB" -tAc "SELECT (SELECT count(*) FROM user_events) + (SELECT count(*) FROM user_events_rejected)")
  echo "latency-probe: $RATE events/s for $SECONDS_RUN s, one silo${SILO_ENV:+ with $SILO_ENV}; offsets committed $(stored) of $total, rows $rows"
  [ "$rows" -ge "$total" ] || echo "  $((total - rows)) events were never stored: the silo fell so far behind that the broker's retention dropped them before they were read"
  echo
  echo "CPU per 10 s (percent of one core):"
  cat "$OUT/samples.txt"
  echo
  echo "Latency (processed_at - event_timestamp, ms) per 20 s of send time:"
  sql -d "$DB" -c "
    WITH e AS (SELECT event_timestamp, extract(epoch FROM processed_at - event_timestamp) * 1000 AS ms FROM user_events),
         t0 AS (SELECT min(event_timestamp) AS at FROM e)
    SELECT floor(extract(epoch FROM e.event_timestamp - t0.at) / 20) * 20 AS from_second, count(*) AS events,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)) AS p50, round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)) AS p99,
           round(max(ms)) AS max
    FROM e, t0 GROUP BY 1 ORDER BY 1"
  echo "Latency by stage, per batch, from the silo's histograms (after the first 20 s; read delay = producer, broker and fetch;"
  echo "end-to-end = read delay + the silo's cache, delivery, group commit and COPY; both from the batch's newest Kafka timestamp;"
  echo "flush duration = one PostgreSQL transaction, per flush):"
  if [ -s "$OUT/metrics-start.txt" ] && [ -s "$OUT/metrics-end.txt" ]; then
    python3 "$ROOT/scripts/histogram-quantiles.py" "$OUT/metrics-start.txt" "$OUT/metrics-end.txt" \
      kafka_receiver_read_delay_seconds user_events_end_to_end_latency_seconds user_events_flush_duration_seconds
  else
    echo "  (no /metrics scrape: the run was shorter than 30 s)"
  fi
  echo "Stalls (no partition stored anything for > 300 ms):"
  sql -d "$DB" -c "
    WITH f AS (SELECT DISTINCT kafka_partition AS p, processed_at AS t FROM user_events),
         g AS (SELECT p, t, t - lag(t) OVER (PARTITION BY p ORDER BY t) AS gap FROM f)
    SELECT to_char(min(t - gap), 'HH24:MI:SS.MS') AS stopped, to_char(min(t), 'HH24:MI:SS.MS') AS resumed,
           count(DISTINCT p) AS partitions, max(round(extract(epoch FROM gap) * 1000)) AS longest_ms
    FROM g WHERE gap > interval '300 ms' GROUP BY date_trunc('second', t)
    HAVING count(DISTINCT p) >= (SELECT count(DISTINCT kafka_partition) FROM user_events) ORDER BY 2"
  echo "PostgreSQL sessions seen idle in a transaction for > 100 ms (the silo, not PostgreSQL, was holding the flush):"
  awk '$3 == "idle" && $4 == "in" && $7 > 100 {n++} END {print n + 0, "samples of 50 ms"}' "$OUT/sessions.txt"
} | tee "$OUT/summary.txt"
echo "latency-probe: details in $OUT" >&2
