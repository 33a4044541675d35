#!/usr/bin/env bash
# Peak silo RSS while every record is a 64 KiB malformed value (each becomes a dead letter keeping its 64 KiB), produced
# as fast as kcat and the local broker go. Usage: scripts/memory-large-values.sh [records] (default 20000).
# Needs PostgreSQL on 127.0.0.1:${PGPORT:-5433} (user postgres, password postgres) and a Release build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RECORDS="${1:-20000}"
PGPORT="${PGPORT:-5433}"
export PGPASSWORD="${PGPASSWORD:-postgres}"
DB="memlarge_$(date +%s)"
KAFKA_PORT=$((20000 + RANDOM % 20000))
WORK="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 -c "
import sys
line = '{\"userId\": ' + 'x' * (64 * 1024 - 11) + '\n'
sys.stdout.write(line * $RECORDS)" > "$WORK/values.txt"

psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE $DB" >/dev/null
dotnet tests/LocalKafka/bin/Release/net10.0/UserEvents.Orleans.LocalKafka.dll --port "$KAFKA_PORT" --partitions 6 > "$WORK/kafka.out" 2> "$WORK/kafka.err" &
pids+=($!)
until grep -q READY "$WORK/kafka.out" 2>/dev/null; do sleep 0.2; done

KAFKA_BROKER="127.0.0.1:$KAFKA_PORT" KAFKA_TOPIC=user-events KAFKA_STARTING_OFFSETS=earliest \
POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$PGPORT" POSTGRES_DB="$DB" POSTGRES_USER=postgres POSTGRES_PASSWORD="$PGPASSWORD" POSTGRES_MIGRATE=true \
ORLEANS_SILO_PORT=$((KAFKA_PORT + 100)) ORLEANS_GATEWAY_PORT=$((KAFKA_PORT + 101)) HTTP_PORT=$((KAFKA_PORT + 102)) ORLEANS_ADVERTISED_IP=127.0.0.1 \
  dotnet src/Silo/bin/Release/net10.0/UserEvents.Orleans.Silo.dll > "$WORK/silo.log" 2>&1 &
SILO=$!
pids+=($SILO)
until curl -sf "http://127.0.0.1:$((KAFKA_PORT + 102))/health/ready" >/dev/null; do sleep 0.5; done
echo "silo ready, RSS $(awk '/VmRSS/ {print int($2/1024)}' /proc/$SILO/status) MiB; producing $RECORDS records of 64 KiB"

start=$(date +%s.%N)
kcat -P -b "127.0.0.1:$KAFKA_PORT" -t user-events -z lz4 -X linger.ms=20 -l "$WORK/values.txt"
produced=$(date +%s.%N)
stored=0
while [ "$stored" -lt "$RECORDS" ]; do
  sleep 0.5
  stored=$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$DB" -tAc "SELECT coalesce(sum(next_offset), 0) FROM kafka_checkpoints")
  if ! kill -0 "$SILO" 2>/dev/null; then echo "silo exited"; tail -20 "$WORK/silo.log"; exit 1; fi
  if (( $(echo "$(date +%s.%N) - $produced > 300" | bc) )); then echo "not stored within 300 s after producing: $stored"; exit 1; fi
done
done_at=$(date +%s.%N)
rejected=$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$DB" -tAc "SELECT count(*) FROM user_events_rejected")
resets=$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$DB" -tAc "SELECT count(*) FROM kafka_offset_resets")
peak=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$SILO/status)
printf 'records=%s rejected=%s offset_resets=%s produce_s=%.1f stored_s=%.1f rate=%.0f/s (%.0f MiB/s) peak_silo_rss_mib=%s\n' \
  "$RECORDS" "$rejected" "$resets" "$(echo "$produced - $start" | bc)" "$(echo "$done_at - $start" | bc)" \
  "$(echo "$RECORDS / ($done_at - $start)" | bc -l)" "$(echo "$RECORDS / 16 / ($done_at - $start)" | bc -l)" "$peak"
