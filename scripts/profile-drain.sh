#!/usr/bin/env bash
# Issue 12 item 1: where the silo's CPU goes while it drains a backlog. A fresh database and local broker, N events
# produced BEFORE the silo starts (a pre-produced backlog, lz4), then one silo with defaults (KAFKA_STARTING_OFFSETS=earliest,
# DOTNET_PerfMapEnabled=1 so perf can name JIT-compiled frames). Once 10% is stored, one window of WINDOW seconds:
#   - perf record (cpu-clock, call graphs) of the silo process: every thread, librdkafka's native ones included;
#   - CPU time of the silo and of every PostgreSQL process from /proc/PID/stat, and the checkpoints' sum, at both ends;
#   - bytes the silo allocated (its /metrics, dotnet_gc_heap_total_allocated_bytes) and GC pause time.
# Prints µs of CPU per stored event for the silo and PostgreSQL, bytes allocated per event, and the breakdown of the
# silo's samples by stage (scripts/profile-breakdown.py).
#   scripts/profile-drain.sh                  # N=1,000,000, 6 partitions, 20 s window
#   N=600000 WINDOW=15 scripts/profile-drain.sh
#   PERF=0 START_PERCENT=20 scripts/profile-drain.sh          # the figures without perf's own cost
#   SILO_ENV="WRITER_FLUSH_RECORDS=20000" scripts/profile-drain.sh   # extra silo settings for an experiment
# Needs the Release build, perf (Debian linux-perf) and PostgreSQL on 127.0.0.1:$PGPORT (scripts/postgres.sh start).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PGPORT="${PGPORT:-5433}"
N="${N:-1000000}"
PARTITIONS="${PARTITIONS:-6}"
WINDOW="${WINDOW:-20}"
START_PERCENT="${START_PERCENT:-10}"
PERF="${PERF:-1}"
KAFKA_PORT="${KAFKA_PORT:-19392}"
HTTP="${HTTP:-18380}"
BIN="bin/Release/net10.0"
OUT="$ROOT/.local/profile/$(date +%Y%m%d-%H%M%S)"
DB="profile_$(date +%s)"
TICKS=$(getconf CLK_TCK)
mkdir -p "$OUT"
export PGPASSWORD=postgres
command -v perf >/dev/null || { echo "profile-drain: perf is missing (apt-get install linux-perf)" >&2; exit 1; }

pids=()
cleanup() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

sql() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$DB" -tAc "$1"; }
cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_cpu() {
  local total=0 p
  for p in $(pgrep -x postgres); do total=$((total + $(cpu_of "$p"))); done
  echo "$total"
}
metric() { { curl -fs "http://127.0.0.1:$HTTP/metrics" || true; } | awk -v name="$1" '$1 == name || index($1, name "{") == 1 { print $NF; exit }'; }
allocated() { metric dotnet_gc_heap_total_allocated_bytes_total; }
gc_pause() { metric dotnet_gc_pause_time_seconds_total; }

psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE $DB"
dotnet "tests/LocalKafka/$BIN/UserEvents.Orleans.LocalKafka.dll" --port "$KAFKA_PORT" --topic user-events --partitions "$PARTITIONS" > "$OUT/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q '^READY' "$OUT/kafka.log" 2>/dev/null && break; sleep 0.5; done
echo "profile-drain: producing $N events (before the silo starts)..." >&2
dotnet "src/Cli/$BIN/user-events.dll" produce --brokers "127.0.0.1:$KAFKA_PORT" --topic user-events --rate 0 --count "$N" --seed 12 > "$OUT/producer.log" 2>&1

env ${SILO_ENV:-} DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 KAFKA_BROKER="127.0.0.1:$KAFKA_PORT" KAFKA_STARTING_OFFSETS=earliest POSTGRES_MIGRATE=true \
  POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$PGPORT" POSTGRES_DB="$DB" POSTGRES_USER=postgres POSTGRES_PASSWORD=postgres \
  ORLEANS_CLUSTER_ID="profile-$DB" ORLEANS_ADVERTISED_IP=127.0.0.1 ORLEANS_SILO_PORT=18311 ORLEANS_GATEWAY_PORT=18331 HTTP_PORT="$HTTP" \
  dotnet "src/Silo/$BIN/UserEvents.Orleans.Silo.dll" > "$OUT/silo.log" 2>&1 &
SILO=$!
pids+=("$SILO")
stored() { sql "SELECT coalesce(sum(next_offset - start_offset), 0) FROM kafka_checkpoints" 2>/dev/null || echo 0; }
until [ "$(stored)" -ge $((N * START_PERCENT / 100)) ]; do kill -0 "$SILO" 2>/dev/null || { tail -20 "$OUT/silo.log" >&2; exit 1; }; sleep 0.2; done

s0=$(stored); c0=$(cpu_of "$SILO"); p0=$(postgres_cpu); a0=$(allocated); g0=$(gc_pause); t0=$(date +%s.%N)
if [ "$PERF" = 1 ]; then
  perf record -e cpu-clock -F 999 -g -p "$SILO" -o "$OUT/perf.data" -- sleep "$WINDOW" > "$OUT/perf-record.log" 2>&1
else
  sleep "$WINDOW"
fi
s1=$(stored); c1=$(cpu_of "$SILO"); p1=$(postgres_cpu); a1=$(allocated); g1=$(gc_pause); t1=$(date +%s.%N)
until [ "$(stored)" -ge "$N" ]; do kill -0 "$SILO" 2>/dev/null || break; sleep 0.5; done
rows=$(sql "SELECT count(*) FROM user_events") || rows="?"
rejected=$(sql "SELECT count(*) FROM user_events_rejected") || rejected="?"

[ "$PERF" = 1 ] && { perf script -i "$OUT/perf.data" -F comm,tid,ip,sym,dso 2> /dev/null > "$OUT/perf.txt" || true; }
python3 - "$s0" "$s1" "$c0" "$c1" "$p0" "$p1" "${a0:-0}" "${a1:-0}" "${g0:-0}" "${g1:-0}" "$t0" "$t1" "$TICKS" <<'PY' | tee "$OUT/summary.txt"
import sys
s0, s1, c0, c1, p0, p1, a0, a1, g0, g1, t0, t1, ticks = (float(x) for x in sys.argv[1:])
events = s1 - s0
seconds = t1 - t0
print(f"window {seconds:.1f} s: {events:,.0f} events stored, {events / seconds:,.0f} events/s")
print(f"silo CPU       {(c1 - c0) / ticks:6.2f} s = {(c1 - c0) / ticks / events * 1e6:5.2f} us/event ({(c1 - c0) / ticks / seconds * 100:.0f}% of a core)")
print(f"PostgreSQL CPU {(p1 - p0) / ticks:6.2f} s = {(p1 - p0) / ticks / events * 1e6:5.2f} us/event ({(p1 - p0) / ticks / seconds * 100:.0f}% of a core)")
if a1 > a0:
    print(f"silo allocated {(a1 - a0) / 1e6:,.0f} MB = {(a1 - a0) / events:,.0f} bytes/event; GC paused {g1 - g0:.2f} s ({(g1 - g0) / seconds * 100:.1f}% of the window)")
PY
echo "rows $rows, dead letters $rejected (of $N produced)" | tee -a "$OUT/summary.txt"
[ "$PERF" = 1 ] && python3 "$ROOT/scripts/profile-breakdown.py" "$OUT/perf.txt" | tee "$OUT/breakdown.txt"
echo "profile-drain: perf data, logs and summaries in $OUT" >&2
