# Sourced by the probes that run the whole pipeline on this machine (latency-probe.sh, stats-acceptance.sh): start the
# local broker and one silo from the Release build, each in the background, and wait until each is ready.
# The caller sets ROOT, BIN (bin/Release/net10.0), PGPORT and PGPASSWORD, and stops the processes it is given back;
# a process that did not become ready is stopped here and the function returns 1.

# start_local_kafka PORT LOG: one topic user-events of 6 partitions; sets KAFKA_PID once the broker prints READY.
start_local_kafka() {
  local port="$1" log="$2"
  dotnet "$ROOT/tests/LocalKafka/$BIN/UserEvents.Orleans.LocalKafka.dll" --port "$port" --topic user-events --partitions 6 > "$log" 2>&1 &
  KAFKA_PID=$!
  for _ in $(seq 1 60); do grep -q '^READY' "$log" && return 0; sleep 0.5; done
  echo "local broker on port $port did not start: $(tail -3 "$log")" >&2
  kill -TERM "$KAFKA_PID" 2>/dev/null || true
  return 1
}

# start_silo DB KAFKA_PORT SILO_PORT GATEWAY_PORT HTTP_PORT LOG [NAME=value ...]: one silo reading from the earliest
# offset into database DB, configured only by the environment like a user's; sets SILO_PID once /health/ready answers.
start_silo() {
  local db="$1" kafka_port="$2" silo_port="$3" gateway_port="$4" http_port="$5" log="$6"
  shift 6
  env KAFKA_BROKER="127.0.0.1:$kafka_port" KAFKA_STARTING_OFFSETS=earliest POSTGRES_MIGRATE=true POSTGRES_HOST=127.0.0.1 \
    POSTGRES_PORT="$PGPORT" POSTGRES_DB="$db" POSTGRES_USER=postgres POSTGRES_PASSWORD="$PGPASSWORD" \
    ORLEANS_ADVERTISED_IP=127.0.0.1 ORLEANS_SILO_PORT="$silo_port" ORLEANS_GATEWAY_PORT="$gateway_port" HTTP_PORT="$http_port" "$@" \
    dotnet "$ROOT/src/Silo/$BIN/UserEvents.Orleans.Silo.dll" > "$log" 2>&1 &
  SILO_PID=$!
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$http_port/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "silo on HTTP port $http_port did not become ready: $(tail -3 "$log")" >&2
  kill -TERM "$SILO_PID" 2>/dev/null || true
  return 1
}
