#!/usr/bin/env bash
# Runs every test against real parts: a PostgreSQL server (a throwaway cluster of this checkout), a Kafka broker over
# TCP (started by the tests), kcat, Orleans test clusters and silo processes.
# Kafka: with USER_EVENTS_TEST_REAL_KAFKA naming a kit (e.g. ../shared/real-kafka, see README "Two Kafka brokers") every
# broker test runs on one real Apache Kafka broker the test process starts, each test on a topic of its own; without it
# they run on LocalKafka (librdkafka's mock cluster). Tests of LocalKafka itself always run on LocalKafka.
# The summary at the end names the broker each group of tests ran on, and its time.
# Installs PostgreSQL, kcat, Chromium (for the ingestion page's browser test), docker-compose (to validate
# docker-compose.yml; no Docker engine is needed) and promtool (Debian's prometheus: /metrics and the alert rules) from the distribution when they are missing (as root, or with sudo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CONFIGURATION="${CONFIGURATION:-Release}"

missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)   # validates docker-compose.yml (no engine needed)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)           # promtool checks /metrics and the alert rules
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

. "$ROOT/scripts/lib/kafka-broker.sh"
if [ -n "${USER_EVENTS_TEST_REAL_KAFKA:-}" ]; then
  kafka_broker_choose real || exit 2
  kafka_broker_sweep
fi

export PGPORT="${PGPORT:-5433}"
"$ROOT/scripts/postgres.sh" start
export USER_EVENTS_TEST_POSTGRES="${USER_EVENTS_TEST_POSTGRES:-Host=127.0.0.1;Port=$PGPORT;Username=postgres;Password=postgres;Database=postgres}"

# Databases left by earlier runs (each test makes its own, named <prefix>_<guid>).
PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -tAc \
  "SELECT datname FROM pg_database WHERE datname ~ '^[a-z]+_[0-9a-f]{20,}$'" | while read -r db; do
  PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
done

# .editorconfig: layout is checked here (fast, no compilation); the code-style rules fail the build itself.
dotnet format whitespace UserEvents.Orleans.sln --verify-no-changes -v q \
  || { echo "test.sh: formatting differs from .editorconfig; run: dotnet format whitespace UserEvents.Orleans.sln" >&2; exit 1; }
dotnet build UserEvents.Orleans.sln -c "$CONFIGURATION" -nologo -v quiet -clp:ErrorsOnly
results="$ROOT/.local/test-results"
rm -rf "$results" && mkdir -p "$results"
export USER_EVENTS_TEST_BROKER_LOG="$results/brokers.tsv"
started=$(date +%s)
set +e
dotnet test UserEvents.Orleans.sln -c "$CONFIGURATION" --no-build -nologo --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" 2>&1 | tee "$ROOT/.local/test-output.log"
status=${PIPESTATUS[0]}
set -e
kafka_broker_sweep
count() { grep -E "^ +$1: +[0-9]+" "$ROOT/.local/test-output.log" | tail -n1 | grep -oE "[0-9]+" || echo 0; }
if [ -f "$results/tests.trx" ]; then
  broker="LocalKafka"; [ -n "${USER_EVENTS_TEST_REAL_KAFKA:-}" ] && broker="a real Apache Kafka broker from $USER_EVENTS_TEST_REAL_KAFKA"
  echo "== test groups (Kafka: $broker; $(( $(date +%s) - started )) s in dotnet test) =="
  python3 "$ROOT/scripts/lib/test-summary.py" "$results/tests.trx" "$results/brokers.tsv" || status=1
fi
if grep -qE "^Total tests: +[0-9]+" "$ROOT/.local/test-output.log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
exit "$status"
