#!/usr/bin/env bash
# The pipeline issue's acceptance check, from outside, as a new user would do it, printing what it measured:
#   a Kafka broker (our local one on 127.0.0.1:$KAFKA_PORT), a PostgreSQL database, the silo program configured by
#   environment variables; 60,000 keyed events per round produced with kcat over 6 partitions, 1% malformed.
#   Round 1: one silo. Round 2: kill -9 mid-stream, restart. Round 3: a second silo joins; both must own partitions.
# After every round: one row per valid event, one dead letter per malformed line, no (partition, offset) twice.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CONFIGURATION="${CONFIGURATION:-Release}"
KAFKA_PORT="${KAFKA_PORT:-19192}"
export PGPORT="${PGPORT:-5433}" PGPASSWORD=postgres
N="${EVENTS_PER_ROUND:-60000}"
DB="acceptance_$(date +%s)"
WORK="$ROOT/.local/acceptance"; rm -rf "$WORK"; mkdir -p "$WORK"
BIN="bin/$CONFIGURATION/net10.0"
psql_db() { psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$DB" -tAc "$1"; }

"$ROOT/scripts/postgres.sh" start
dotnet build UserEvents.Orleans.sln -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE $DB"

pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

dotnet "tests/LocalKafka/$BIN/UserEvents.Orleans.LocalKafka.dll" --port "$KAFKA_PORT" > "$WORK/kafka.log" 2>&1 &
pids+=($!)
until grep -q '^READY' "$WORK/kafka.log"; do sleep 0.2; done

start_silo() { # name silo-port gateway-port http-port
  KAFKA_BROKER="127.0.0.1:$KAFKA_PORT" KAFKA_STARTING_OFFSETS=earliest POSTGRES_MIGRATE=true POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$PGPORT" \
  POSTGRES_DB="$DB" POSTGRES_PASSWORD=postgres ORLEANS_CLUSTER_ID="$DB" ORLEANS_ADVERTISED_IP=127.0.0.1 \
  ORLEANS_SILO_PORT="$2" ORLEANS_GATEWAY_PORT="$3" HTTP_PORT="$4" \
    dotnet "src/Silo/$BIN/UserEvents.Orleans.Silo.dll" >> "$WORK/$1.log" 2>&1 &
  pids+=($!)
  echo $! > "$WORK/$1.pid"
  until curl -fs "http://127.0.0.1:$4/health/live" >/dev/null 2>&1; do sleep 0.2; done
}

events_file() { # first-id count -> file of "key<TAB>value" lines, every 100th malformed
  awk -v first="$1" -v n="$2" -v now="$(date +%s%3N)" 'BEGIN {
    split("view click play pause rate", types, " ");
    for (i = first; i < first + n; i++) {
      user = (i * 7919) % 100000 + 1;
      if (i % 100 == 99) value = "{\"user_id\": \"oops\", \"movie_id\": " i "}";
      else value = "{\"user_id\":" user ",\"movie_id\":" i ",\"event_type\":\"" types[i % 5 + 1] "\",\"timestamp\":" sprintf("%.0f", now + i) "}";
      printf "%d\t%s\n", user, value } }' > "$WORK/events-$1.txt"
  echo "$WORK/events-$1.txt"
}

produce() { kcat -P -b "127.0.0.1:$KAFKA_PORT" -t user-events -K '\t' -X linger.ms=5 -z lz4 < "$1"; }

wait_stored() { # expected -> seconds waited
  local start=$(date +%s.%N)
  while [ "$(psql_db "SELECT (SELECT count(*) FROM user_events) + (SELECT count(*) FROM user_events_rejected)")" -lt "$1" ]; do
    sleep 0.2
    if [ "$(echo "$(date +%s.%N) - $start > 120" | bc)" = 1 ]; then echo "timeout" ; return 1; fi
  done
  echo "$(date +%s.%N) - $start" | bc
}

check() { # round expected-total unused seconds notes
  local events rejected dups
  events=$(psql_db "SELECT count(*) FROM user_events")
  rejected=$(psql_db "SELECT count(*) FROM user_events_rejected")
  dups=$(psql_db "SELECT count(*) FROM (SELECT kafka_partition, kafka_offset FROM (SELECT kafka_partition, kafka_offset FROM user_events UNION ALL SELECT kafka_partition, kafka_offset FROM user_events_rejected) s GROUP BY 1, 2 HAVING count(*) > 1) d")
  printf "| %s | %s | %s | %s | %s | %s s | %s |\n" "$1" "$2" "$events" "$rejected" "$dups" "$4" "$5"
  [ "$events" -eq $(( $2 - $2 / 100 )) ] && [ "$rejected" -eq $(( $2 / 100 )) ] && [ "$dups" -eq 0 ]
}

echo "| round | produced | user_events | rejected | duplicated offsets | time to store | notes |"
echo "|---|---|---|---|---|---|---|"

start_silo silo1 21111 32000 18181
f=$(events_file 0 "$N"); t0=$(date +%s.%N); produce "$f"; s=$(wait_stored "$N")
check "1 silo" "$N" 0 "$s" "$(echo "$N / $s" | bc) events/s incl. produce"

f=$(events_file "$N" "$N"); produce "$f" & producer=$!
sleep 1; kill -9 "$(cat "$WORK/silo1.pid")"; wait "$(cat "$WORK/silo1.pid")" 2>/dev/null || true; at_kill=$(psql_db "SELECT sum(next_offset) FROM kafka_checkpoints"); wait "$producer"
start_silo silo1 21111 32000 18181
s=$(wait_stored $((2 * N)))
check "kill -9 + restart" $((2 * N)) 0 "$s" "$at_kill of $((2 * N)) stored at the kill"

start_silo silo2 21112 32001 18182
sleep 10
f=$(events_file $((2 * N)) "$N"); produce "$f"; s=$(wait_stored $((3 * N)))
a=$(grep -c "receiver started" "$WORK/silo1.log" || true); b=$(grep -c "receiver started" "$WORK/silo2.log" || true)
check "2 silos" $((3 * N)) 0 "$s" "receivers started: silo1 $a (over both of its lives), silo2 $b"
[ "$b" -gt 0 ] || { echo "silo2 owns no partition" >&2; exit 1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; database $DB"
