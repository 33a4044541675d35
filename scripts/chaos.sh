#!/usr/bin/env bash
# The chaos suite (tests/Chaos): real PostgreSQL, our local Kafka broker, silos as separate processes and a steady
# producer; one fault per scenario; at the end Kafka is reconciled with PostgreSQL. See docs/CHAOS.md.
#   scripts/chaos.sh                 # every scenario, full length (about 10 minutes; run it on a quiet machine)
#   scripts/chaos.sh --quick         # short versions (low rate, 5 s outage, 3 s lock...), for CI
#   scripts/chaos.sh 1 4 5           # some scenarios
#   scripts/chaos.sh --keep 3        # keep the scenario databases for a look afterwards
#   scripts/chaos.sh --rebalance-trials 10   # queue move times: 10 cycles of graceful stop, join, kill -9, join (docs/SCALING.md)
#   scripts/chaos.sh --quick --rebalance-trials  # the same, 1 cycle (smoke run)
#   scripts/chaos.sh --broker real 1 3 11   # on a real Apache Kafka broker (the kit USER_EVENTS_TEST_REAL_KAFKA names,
#                                           # default ../shared/real-kafka); --broker local: LocalKafka. Default: real when
#                                           # USER_EVENTS_TEST_REAL_KAFKA is set, else local. Scenario 11 needs the real one.
# Builds Release, makes sure PostgreSQL answers on 127.0.0.1:$PGPORT (starts this checkout's throwaway cluster only
# when nothing answers there); scenario 2 starts and stops a cluster of its own under /tmp. The output, table included,
# is also written to .local/chaos/results-YYYYMMDD-HHMMSS.txt; silo logs are in .local/chaos/<run>/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/lib/kafka-broker.sh"
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = --broker ]; then kafka_broker_choose "${2:-}" || exit 2; shift 2; else args+=("$1"); shift; fi
done
set -- "${args[@]}"
kafka_broker_sweep
export PGPORT="${PGPORT:-5433}"
export USER_EVENTS_CHAOS_POSTGRES="${USER_EVENTS_CHAOS_POSTGRES:-Host=127.0.0.1;Port=$PGPORT;Username=postgres;Password=postgres;Database=postgres}"

if (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; then
  echo "chaos.sh: PostgreSQL answers on 127.0.0.1:$PGPORT" >&2
else
  "$ROOT/scripts/postgres.sh" start
fi

mkdir -p .local/chaos
output=".local/chaos/results-$(date +%Y%m%d-%H%M%S).txt"
dotnet build UserEvents.Orleans.sln -c Release -nologo -v quiet -clp:ErrorsOnly
set +e
dotnet tests/Chaos/bin/Release/net10.0/UserEvents.Orleans.Chaos.dll ${1+"$@"} 2>&1 | tee "$output"
status=${PIPESTATUS[0]}
set -e
echo "chaos.sh: results in $output" >&2
exit "$status"
