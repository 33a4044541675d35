#!/usr/bin/env bash
# The benchmark (tests/Benchmarks), side by side in one run: PostgreSQL's and Kafka's limits, two plain peers, the silo.
#   scripts/bench.sh                         # full run: N = 1,000,000 (takes several minutes; run it on a quiet machine)
#   scripts/bench.sh --quick                 # small sizes, ~30 s
#   scripts/bench.sh --events 20000 --single-insert-events 2000 --latency-seconds 5
#   scripts/bench.sh --output docs/bench-full.md
#   scripts/bench.sh --cluster-tls           # adds the line "..., cluster mutual TLS on": the same drain by a silo with
#                                            # mutual TLS (certificates of a throwaway CA), so the cost of TLS is known
#   scripts/bench.sh --broker real           # on a real Apache Kafka broker (the kit USER_EVENTS_TEST_REAL_KAFKA names,
#                                            # default ../shared/real-kafka); --broker local: LocalKafka (the default
#                                            # unless USER_EVENTS_TEST_REAL_KAFKA is set)
# Builds Release, makes sure PostgreSQL answers on 127.0.0.1:$PGPORT (starts this checkout's throwaway cluster only
# when nothing answers there), runs the benchmark and writes the results as markdown to --output
# (default .local/bench/results-YYYYMMDD-HHMMSS.md). Other options: see --help.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PGPORT="${PGPORT:-5433}"
export USER_EVENTS_BENCH_POSTGRES="${USER_EVENTS_BENCH_POSTGRES:-Host=127.0.0.1;Port=$PGPORT;Username=postgres;Password=postgres;Database=postgres}"

. "$ROOT/scripts/lib/kafka-broker.sh"
output=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o|--output) output="$2"; shift 2 ;;
    --output=*) output="${1#--output=}"; shift ;;
    --broker) kafka_broker_choose "${2:-}" || exit 2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
kafka_broker_sweep
mkdir -p .local/bench
output="${output:-.local/bench/results-$(date +%Y%m%d-%H%M%S).md}"

if (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; then
  echo "bench.sh: PostgreSQL answers on 127.0.0.1:$PGPORT" >&2
else
  "$ROOT/scripts/postgres.sh" start
fi

dotnet build UserEvents.Orleans.sln -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet tests/Benchmarks/bin/Release/net10.0/UserEvents.Orleans.Benchmarks.dll --output "$output" ${args[@]+"${args[@]}"}
echo "bench.sh: results in $output" >&2
