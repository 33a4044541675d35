#!/usr/bin/env bash
# Issue 9 item 6: with 1, 2 and 3 silos and 6 and 12 partitions, how the partitions, the events stored and the silos' CPU
# split. For each combination: a fresh database, our local broker with that many partitions, k silos as processes, the
# CLI producer at a steady rate; after the spread settles and a warm-up, one window in which each silo's /metrics
# (events stored, records read, partitions read) and its CPU time (/proc/PID/stat, the silo process itself) are sampled.
# Prints one markdown table row per silo: its share of the partitions, of the events stored and of the silos' CPU.
#   scripts/scale-measure.sh                        # partitions 6 12, silos 1 2 3, 20,000 events/s, 30 s window
#   PARTITIONS="6" SILOS="1 2" RATE=10000 WINDOW=20 scripts/scale-measure.sh
# Needs the Release build (dotnet build -c Release) and PostgreSQL on 127.0.0.1:$PGPORT (scripts/postgres.sh start).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PGPORT="${PGPORT:-5433}"
PARTITIONS="${PARTITIONS:-6 12}"
SILOS="${SILOS:-1 2 3}"
RATE="${RATE:-20000}"
WINDOW="${WINDOW:-30}"
WARMUP="${WARMUP:-10}"
BIN="bin/Release/net10.0"
LOGS="$ROOT/.local/scale-measure/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$LOGS"
TICKS=$(getconf CLK_TCK)
export PGPASSWORD=postgres

pids=()
cleanup() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
metric_sum() { curl -fs "http://127.0.0.1:$1/metrics" | awk -v name="$2" 'index($0, name "{") == 1 || index($0, name " ") == 1 {s += $NF} END {printf "%.0f", s}'; }
partitions_read() { curl -fs "http://127.0.0.1:$1/metrics" | grep -c '^kafka_receiver_lag{' || true; }
wait_ready() { for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done; return 1; }

echo "scale-measure: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), PostgreSQL on 127.0.0.1:$PGPORT, rate $RATE events/s, window ${WINDOW} s after ${WARMUP} s warm-up; logs in $LOGS" >&2
echo
echo "| partitions | silos | silo | partitions read | events stored in window | silo CPU s | CPU s per 1,000 events | share of partitions | share of events | share of CPU |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for p in $PARTITIONS; do
  for k in $SILOS; do
    db="scale_${p}_${k}_$(date +%s)"
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE $db"
    kport=$(free_port)
    dotnet "tests/LocalKafka/$BIN/UserEvents.Orleans.LocalKafka.dll" --port "$kport" --topic user-events --partitions "$p" > "$LOGS/kafka-$p-$k.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 60); do grep -q '^READY' "$LOGS/kafka-$p-$k.log" 2>/dev/null && break; sleep 0.5; done
    http=(); silo_pids=()
    for n in $(seq 1 "$k"); do
      hp=$(free_port); sp=$(free_port); gp=$(free_port)
      KAFKA_BROKER="127.0.0.1:$kport" KAFKA_STARTING_OFFSETS=earliest POSTGRES_MIGRATE=true ORLEANS_CLUSTER_ID="$db" \
      POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$PGPORT" POSTGRES_DB="$db" POSTGRES_USER=postgres POSTGRES_PASSWORD=postgres \
      ORLEANS_ADVERTISED_IP=127.0.0.1 ORLEANS_SILO_PORT="$sp" ORLEANS_GATEWAY_PORT="$gp" HTTP_PORT="$hp" \
        dotnet "src/Silo/$BIN/UserEvents.Orleans.Silo.dll" > "$LOGS/silo-$p-$k-$n.log" 2>&1 &
      pids+=($!); silo_pids+=($!); http+=("$hp")
      # The first silo migrates the fresh database alone; the others start once it is ready.
      wait_ready "$hp" || { echo "scale-measure: silo $n did not get ready; see $LOGS/silo-$p-$k-$n.log" >&2; exit 1; }
    done
    # Settled: every partition read, by floor/ceil(p/k) per silo, for 3 polls in a row.
    settled=0
    for _ in $(seq 1 120); do
      total=0; ok=1
      for hp in "${http[@]}"; do
        c=$(partitions_read "$hp"); total=$((total + c))
        [ "$c" -ge $((p / k)) ] && [ "$c" -le $(((p + k - 1) / k)) ] || ok=0
      done
      if [ "$total" -eq "$p" ] && [ "$ok" -eq 1 ]; then settled=$((settled + 1)); else settled=0; fi
      [ "$settled" -ge 3 ] && break
      sleep 1
    done
    dotnet "src/Cli/$BIN/user-events.dll" produce --brokers "127.0.0.1:$kport" --topic user-events --rate "$RATE" --count 0 > "$LOGS/producer-$p-$k.log" 2>&1 &
    pids+=($!)
    sleep "$WARMUP"
    declare -a cpu0 stored0
    for i in "${!http[@]}"; do cpu0[$i]=$(cpu_ticks "${silo_pids[$i]}"); stored0[$i]=$(metric_sum "${http[$i]}" user_events_stored_total); done
    sleep "$WINDOW"
    declare -a cpu1 stored1 parts
    for i in "${!http[@]}"; do cpu1[$i]=$(cpu_ticks "${silo_pids[$i]}"); stored1[$i]=$(metric_sum "${http[$i]}" user_events_stored_total); parts[$i]=$(partitions_read "${http[$i]}"); done
    all_cpu=0; all_events=0
    for i in "${!http[@]}"; do all_cpu=$((all_cpu + cpu1[i] - cpu0[i])); all_events=$((all_events + stored1[i] - stored0[i])); done
    for i in "${!http[@]}"; do
      events=$((stored1[i] - stored0[i])); ticks=$((cpu1[i] - cpu0[i]))
      awk -v p="$p" -v k="$k" -v n="$((i + 1))" -v parts="${parts[$i]}" -v events="$events" -v ticks="$ticks" -v hz="$TICKS" \
          -v all_events="$all_events" -v all_ticks="$all_cpu" 'BEGIN {
        cpu = ticks / hz
        printf "| %d | %d | %d | %d | %d | %.1f | %s | %.0f%% | %s | %s |\n", p, k, n, parts, events, cpu,
          (events > 0 ? sprintf("%.3f", cpu * 1000 / events) : "–"), 100 * parts / p,
          (all_events > 0 ? sprintf("%.0f%%", 100 * events / all_events) : "–"), (all_ticks > 0 ? sprintf("%.0f%%", 100 * ticks / all_ticks) : "–") }'
    done
    cleanup
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  done
done
