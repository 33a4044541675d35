#!/usr/bin/env bash
# Times `user-events verify` (the ledger check, no rows read) on a ledger of RANGES ranges (default 1,000,000) of
# LENGTH offsets each (default 2000: 2 billion offsets), over 6 partitions, filled in SQL with the counters that match,
# against the local broker. Needs a Release build (dotnet build -c Release). Prints the fill time and verify's time.
#   RANGES=1000000 LENGTH=2000 scripts/verify-scale.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5433}" PGUSER="${PGUSER:-postgres}" PGPASSWORD="${PGPASSWORD:-postgres}"
RANGES="${RANGES:-1000000}"
LENGTH="${LENGTH:-2000}"
KAFKA_PORT="${KAFKA_PORT:-19492}"
DB="verifyscale_$(date +%s)"
P="psql -v ON_ERROR_STOP=1 -q -X"
CLI="$ROOT/src/Cli/bin/Release/net10.0/user-events.dll"
KAFKA="$(ls "$ROOT"/{src,tests}/LocalKafka/bin/Release/net10.0/UserEvents.Orleans.LocalKafka.dll 2>/dev/null | head -1 || true)"

$P -d postgres -c "CREATE DATABASE $DB"
kafka_pid=""
cleanup() { [[ -n "$kafka_pid" ]] && kill "$kafka_pid" 2>/dev/null; $P -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null; }
trap cleanup EXIT
for f in "$ROOT"/sql/0*.sql; do $P -d "$DB" -f "$f" >/dev/null; done
start=$(date +%s)
$P -d "$DB" <<SQL
SET synchronous_commit = off;
INSERT INTO kafka_commit_ledger (topic, partition, log_generation, from_offset, to_offset, events, rejected, kind, bucket)
SELECT 'user-events', (r % 6)::int, 0, (r / 6) * $LENGTH, (r / 6 + 1) * $LENGTH, $LENGTH - $LENGTH / 100, $LENGTH / 100, 'stored', '-infinity'
FROM generate_series(0::bigint, $RANGES - 1) r;
INSERT INTO kafka_checkpoints (topic, partition, next_offset, start_offset)
SELECT 'user-events', partition, max(to_offset), 0 FROM kafka_commit_ledger GROUP BY partition;
INSERT INTO event_type_counts (bucket, kafka_partition, event_type, events, first_event, last_event)
SELECT '-infinity', partition, 'view', sum(events), now() - interval '30 days', now() FROM kafka_commit_ledger GROUP BY partition;
INSERT INTO rejected_counts (bucket, kafka_partition, rejected) SELECT '-infinity', partition, sum(rejected) FROM kafka_commit_ledger GROUP BY partition;
VACUUM ANALYZE kafka_commit_ledger;
SQL
echo "filled $RANGES ledger ranges ($($P -d "$DB" -tA -c "SELECT sum(to_offset - from_offset) FROM kafka_commit_ledger") offsets, $($P -d "$DB" -tA -c "SELECT pg_size_pretty(pg_total_relation_size('kafka_commit_ledger'))")) in $(( $(date +%s) - start )) s"

dotnet "$KAFKA" --port "$KAFKA_PORT" --partitions 6 > /tmp/verify-scale-kafka.log 2>&1 &
kafka_pid=$!
for _ in $(seq 50); do grep -q READY /tmp/verify-scale-kafka.log && break; sleep 0.2; done
for run in 1 2 3; do
  t0=$(date +%s.%N)
  set +e
  out=$(POSTGRES_PASSWORD="$PGPASSWORD" dotnet "$CLI" verify --brokers "127.0.0.1:$KAFKA_PORT" --postgres-host "$PGHOST" --postgres-port "$PGPORT" --postgres-db "$DB" --postgres-user "$PGUSER")
  rc=$?
  set -e
  echo "run $run: verify took $(echo "$(date +%s.%N) - $t0" | bc -l | xargs printf '%.2f') s, exit code $rc: $(echo "$out" | grep '^verified')"
done
