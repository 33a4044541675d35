#!/usr/bin/env bash
# The whole pipeline on one machine with embedded defaults:
#   PostgreSQL (a cluster of this checkout, installed from the distribution if absent, data in .local/postgres),
#   the local Kafka broker on 127.0.0.1:9092 (librdkafka's mock cluster, topic user-events with 6 partitions),
#   one silo with its ingestion page and dashboard, and the sample producer sending events.
# Ctrl+C stops everything. RUN_SECONDS=N stops it after N seconds. SILOS=2 starts two silos.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CONFIGURATION="${CONFIGURATION:-Release}"
KAFKA_PORT="${LOCAL_KAFKA_PORT:-9092}"
export PGPORT="${PGPORT:-5433}"
RATE="${RATE:-200}"
SILOS="${SILOS:-1}"
LOGS="$ROOT/.local/logs"
mkdir -p "$LOGS"
BIN="bin/$CONFIGURATION/net10.0"

"$ROOT/scripts/postgres.sh" start
PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'user_events'" | grep -q 1 \
  || PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE user_events"

echo "run-local: building ($CONFIGURATION)..." >&2
dotnet build UserEvents.Orleans.sln -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly

pids=()
cleanup() {
  echo "run-local: stopping..." >&2
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

dotnet "tests/LocalKafka/$BIN/UserEvents.Orleans.LocalKafka.dll" --port "$KAFKA_PORT" --topic user-events --partitions 6 > "$LOGS/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -q '^READY' "$LOGS/kafka.log" 2>/dev/null && break; sleep 0.5; done
grep -q '^READY' "$LOGS/kafka.log" || { echo "run-local: the local Kafka did not start; see $LOGS/kafka.log" >&2; cat "$LOGS/kafka.log" >&2; exit 1; }
echo "run-local: Kafka broker on 127.0.0.1:$KAFKA_PORT" >&2

for n in $(seq 1 "$SILOS"); do
  KAFKA_BROKER="127.0.0.1:$KAFKA_PORT" KAFKA_STARTING_OFFSETS=earliest POSTGRES_MIGRATE=true \
  POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$PGPORT" POSTGRES_DB=user_events POSTGRES_USER=postgres POSTGRES_PASSWORD=postgres \
  ORLEANS_ADVERTISED_IP=127.0.0.1 ORLEANS_SILO_PORT=$((11110 + n)) ORLEANS_GATEWAY_PORT=$((29999 + n)) HTTP_PORT=$((8079 + n)) \
    dotnet "src/Silo/$BIN/UserEvents.Orleans.Silo.dll" > "$LOGS/silo$n.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:8080/health/live" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:8080/health/live" >/dev/null || { echo "run-local: the silo did not start; see $LOGS/silo1.log" >&2; tail -20 "$LOGS/silo1.log" >&2; exit 1; }

dotnet "src/Cli/$BIN/user-events.dll" produce --brokers "127.0.0.1:$KAFKA_PORT" --topic user-events --rate "$RATE" --count 0 > "$LOGS/producer.log" 2>&1 &
pids+=($!)

cat >&2 <<INFO

  UserEvents.Orleans is running ($SILOS silo(s), producer at $RATE events/s).
    Ingestion:   http://localhost:8080/            (events/s, lag and owner of each partition, totals by type)
    Dashboard:   http://localhost:8080/dashboard   (Orleans: grains, silos)
    Health:      http://localhost:8080/health/ready
    Metrics:     http://localhost:8080/metrics     (Prometheus)
    Stats API:   http://localhost:8080/api/stats   (also /api/partitions, /api/users/ID, /api/movies/ID, /api/top)
    Stats CLI:   POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$PGPORT POSTGRES_DB=user_events POSTGRES_PASSWORD=postgres \\
                   dotnet src/Cli/$BIN/user-events.dll stats   (or lag, user ID, movie ID, top, verify --brokers 127.0.0.1:$KAFKA_PORT)
    Logs:        $LOGS/{kafka,silo1,producer}.log
    Rows:        PGPASSWORD=postgres psql -h 127.0.0.1 -p $PGPORT -U postgres -d user_events \\
                   -c 'SELECT * FROM get_recent_events(10)' -c 'SELECT * FROM user_events_stats'
    Checkpoints: ... -c 'SELECT * FROM kafka_checkpoints ORDER BY partition'
    Produce:     kcat -P -b 127.0.0.1:$KAFKA_PORT -t user-events -K: <<< '1:{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1701234567890}'
  Ctrl+C stops everything.

INFO

if [ -n "${RUN_SECONDS:-}" ]; then
  sleep "$RUN_SECONDS"
  PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d user_events -c "SELECT count(*) AS stored FROM user_events" -c "SELECT * FROM user_events_stats"
else
  wait
fi
