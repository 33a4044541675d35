#!/usr/bin/env bash
# Polls a silo's /api/stats once a second and prints the latency (p50, p95, max) and the CPU that PostgreSQL spent for
# it: the backends connected to the silo's database (from /proc, so run it on the database's machine), and the whole
# server for reference (other databases' work included).
#   scripts/stats-poll.sh [URL] [SECONDS]        URL default http://127.0.0.1:8080, SECONDS default 30
#   POLL_DB  the silo's database (env POSTGRES_DB, default user_events); PGHOST/PGPORT/PGUSER/PGPASSWORD as for psql.
set -euo pipefail
URL="${1:-http://127.0.0.1:8080}"
SECONDS_TO_POLL="${2:-30}"
POLL_DB="${POLL_DB:-${POSTGRES_DB:-user_events}}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5433}" PGUSER="${PGUSER:-postgres}" PGPASSWORD="${PGPASSWORD:-postgres}"
TICKS=$(getconf CLK_TCK)

backends() { psql -X -tA -d postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = '$POLL_DB' AND pid <> pg_backend_pid()"; }
ticks_of() { local sum=0 pid; for pid in "$@"; do [[ -r /proc/$pid/stat ]] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$sum"; }
server_ticks() { ticks_of $(pgrep -x postgres || true); }

curl -fsS -o /dev/null "$URL/api/stats"   # the first answer activates the grain and opens connections
declare -A before
for pid in $(backends); do before[$pid]=$(ticks_of "$pid"); done
server_before=$(server_ticks)
started=$(date +%s.%N)
latencies=()
for ((i = 0; i < SECONDS_TO_POLL; i++)); do
  tick=$(date +%s.%N)
  latencies+=("$(curl -fsS -o /dev/null -w '%{time_total}' "$URL/api/stats")")
  sleep "$(echo "1 - ($(date +%s.%N) - $tick)" | bc -l | awk '{print ($1 > 0 ? $1 : 0)}')"
done
elapsed=$(echo "$(date +%s.%N) - $started" | bc -l)
used=0
for pid in $(backends); do used=$((used + $(ticks_of "$pid") - ${before[$pid]:-0})); done
server_used=$(( $(server_ticks) - server_before ))

sorted=$(printf '%s\n' "${latencies[@]}" | sort -g)
n=${#latencies[@]}
pick() { echo "$sorted" | sed -n "$(( ($1 * n + 99) / 100 ))p" | awk '{printf "%.1f", $1 * 1000}'; }
echo "polls: $n of $URL/api/stats over $(printf '%.1f' "$elapsed") s"
echo "latency ms: p50 $(pick 50), p95 $(pick 95), max $(echo "$sorted" | tail -1 | awk '{printf "%.1f", $1 * 1000}')"
echo "PostgreSQL CPU, backends of $POLL_DB: $(echo "100 * $used / $TICKS / $elapsed" | bc -l | xargs printf '%.2f')% of one core ($used ticks of 1/$TICKS s)"
echo "PostgreSQL CPU, whole server (every database): $(echo "100 * $server_used / $TICKS / $elapsed" | bc -l | xargs printf '%.2f')% of one core"
