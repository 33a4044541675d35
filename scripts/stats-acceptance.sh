#!/usr/bin/env bash
# Issue 11's check of the statistics, through the whole pipeline: one silo on a fresh database and local broker, COUNT
# events (1% malformed) from the CLI producer at RATE events/s, `verify` run twice while they flow (it must not raise a
# false alarm under live traffic), then, once everything is stored, /api/stats polled once a second for POLL_SECONDS
# (scripts/stats-poll.sh: latency and PostgreSQL CPU), its counts compared with what SQL counts, and `verify` once more.
#   scripts/stats-acceptance.sh                          # 3,000,000 events at 40,000/s, 30 polls
#   COUNT=1000000 RATE=20000 POLL_SECONDS=10 scripts/stats-acceptance.sh
# Needs a Release build (scripts/test.sh or dotnet build -c Release) and this checkout's PostgreSQL (scripts/postgres.sh).
# Output in .local/stats-acceptance/YYYYMMDD-HHMMSS/: summary.txt and logs. Exit code 0 when every check holds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COUNT="${COUNT:-3000000}"
RATE="${RATE:-40000}"
POLL_SECONDS="${POLL_SECONDS:-30}"
DB="${DB:-stats_acceptance}"
export PGHOST=127.0.0.1 PGPORT="${PGPORT:-5433}" PGUSER=postgres PGPASSWORD="${PGPASSWORD:-postgres}"
KAFKA_PORT=9193
HTTP_PORT=8191
OUT="$ROOT/.local/stats-acceptance/$(date +%Y%m%d-%H%M%S)"
BIN=bin/Release/net10.0
CLI=(dotnet "src/Cli/$BIN/user-events.dll")
mkdir -p "$OUT"
sql() { psql -X -v ON_ERROR_STOP=1 "$@"; }
say() { echo "$*" | tee -a "$OUT/summary.txt"; }

"$ROOT/scripts/postgres.sh" start
sql -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -qc "CREATE DATABASE $DB"

pids=()
cleanup() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# shellcheck source=lib/local-pipeline.sh
. "$ROOT/scripts/lib/local-pipeline.sh"
start_local_kafka "$KAFKA_PORT" "$OUT/kafka.log"
pids+=("$KAFKA_PID")
start_silo "$DB" "$KAFKA_PORT" 11191 30091 "$HTTP_PORT" "$OUT/silo.log"
pids+=("$SILO_PID")

verify() { POSTGRES_DB="$DB" POSTGRES_PASSWORD="$PGPASSWORD" "${CLI[@]}" verify --brokers "127.0.0.1:$KAFKA_PORT" --postgres-host 127.0.0.1 --postgres-port "$PGPORT" "$@"; }
failures=0
check_verify() {
  local label="$1" output rc=0 t0
  t0=$(date +%s.%N)
  output=$(verify 2>&1) || rc=$?
  t0=$(echo "$(date +%s.%N) - $t0" | bc -l | xargs printf '%.1f')
  echo "$output" > "$OUT/verify-${label// /-}.txt"
  say "verify $label: exit code $rc in $t0 s: $(echo "$output" | grep -E '^verified|missing|alarm|beyond' | head -3 | tr '\n' ' ')"
  [ "$rc" -eq 0 ] || failures=$((failures + 1))
}

say "stats-acceptance: $COUNT events (1% malformed) at $RATE/s through the local broker into one silo, database $DB"
started=$(date +%s)
"${CLI[@]}" produce --brokers "127.0.0.1:$KAFKA_PORT" --topic user-events --rate "$RATE" --count "$COUNT" --malformed-percent 1 --seed 11 \
  > "$OUT/producer.log" 2>&1 &
producer=$!; pids+=("$producer")
half=$((COUNT / RATE / 2))
sleep "$((half > 5 ? half : 5))"
check_verify "under live traffic (1)"
check_verify "under live traffic (2)"
wait "$producer" || { say "the producer failed: $(tail -3 "$OUT/producer.log")"; exit 1; }
stored() { sql -d "$DB" -tAc "SELECT coalesce(sum(next_offset - coalesce(start_offset, 0)), 0) FROM kafka_checkpoints"; }
for _ in $(seq 1 300); do [ "$(stored)" -ge "$COUNT" ] && break; sleep 1; done
say "all $(stored) offsets committed $(( $(date +%s) - started )) s after the first event was sent"

say ""
POLL_DB="$DB" "$ROOT/scripts/stats-poll.sh" "http://127.0.0.1:$HTTP_PORT" "$POLL_SECONDS" | tee -a "$OUT/summary.txt"
say ""

curl -fsS "http://127.0.0.1:$HTTP_PORT/api/stats" > "$OUT/stats.json"
api_counts=$(jq -r '.byEventType | sort_by(.eventType) | map("\(.eventType) \(.count)") | .[]' "$OUT/stats.json")
sql_counts=$(sql -d "$DB" -tA -F' ' -c "SELECT event_type, count(*) FROM user_events GROUP BY 1 ORDER BY 1")
api_total=$(jq -r '.eventsStored' "$OUT/stats.json")
api_rejected=$(jq -r '.eventsRejected' "$OUT/stats.json")
sql_total=$(sql -d "$DB" -tAc "SELECT count(*) FROM user_events")
sql_rejected=$(sql -d "$DB" -tAc "SELECT count(*) FROM user_events_rejected")
say "counts, /api/stats against SQL's count(*):"
say "  stored   $api_total against $sql_total"
say "  rejected $api_rejected against $sql_rejected"
say "$(paste -d' ' <(echo "$api_counts") <(echo "$sql_counts") | awk '{printf "  %-8s %s against %s (%s)\n", $1, $2, $4, ($1 == $3 && $2 == $4) ? "equal" : "DIFFERENT"}')"
if [ "$api_total" != "$sql_total" ] || [ "$api_rejected" != "$sql_rejected" ] || [ "$api_counts" != "$sql_counts" ] \
  || [ $((sql_total + sql_rejected)) -ne "$COUNT" ]; then
  say "counts: DIFFERENT (stored + rejected should be $COUNT)"
  failures=$((failures + 1))
fi
check_verify "idle"
say ""
say "stats-acceptance: $([ "$failures" -eq 0 ] && echo "every check held" || echo "$failures checks failed"); details in $OUT"
exit $((failures > 0))
