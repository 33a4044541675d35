# Sourced by test.sh, chaos.sh and bench.sh: which Kafka broker the harness runs on.
#   kafka_broker_choose real|local   sets or clears USER_EVENTS_TEST_REAL_KAFKA (the kit the harness starts brokers from)
# The real broker's kit defaults to ../shared/real-kafka beside the checkout; any folder with the same kafka.sh verbs works.
# It needs a Java 17 runtime, Debian's liblz4-jni libsnappy-jni libzstd-jni1 (compressed batches) and
# libdropwizard-metrics-java (ZooKeeper 3.8's metrics, which the kit's libs/ lack).
kafka_broker_choose() {
  case "$1" in
  local) unset USER_EVENTS_TEST_REAL_KAFKA ;;
  real)
    export USER_EVENTS_TEST_REAL_KAFKA="${USER_EVENTS_TEST_REAL_KAFKA:-$(cd "$ROOT/.." && pwd)/shared/real-kafka}"
    [ -x "$USER_EVENTS_TEST_REAL_KAFKA/kafka.sh" ] || { echo "no real Kafka kit at $USER_EVENTS_TEST_REAL_KAFKA (set USER_EVENTS_TEST_REAL_KAFKA)" >&2; return 2; }
    command -v java >/dev/null 2>&1 || { echo "the real Kafka broker needs Java: apt-get install openjdk-17-jre-headless" >&2; return 2; }
    [ -f /usr/share/java/metrics-core.jar ] || { echo "the real Kafka broker's ZooKeeper needs apt-get install libdropwizard-metrics-java" >&2; return 2; } ;;
  *) echo "--broker takes real or local, not '$1'" >&2; return 2 ;;
  esac
}

# Kills brokers a crashed run left behind (their folders are under .local/real-kafka/<port>).
kafka_broker_sweep() {
  local dir
  [ -n "${USER_EVENTS_TEST_REAL_KAFKA:-}" ] || return 0
  for dir in "$ROOT"/.local/real-kafka/*/; do
    [ -d "$dir" ] || continue
    KAFKA_DIR="${dir%/}" KAFKA_PORT="$(basename "$dir")" bash "$USER_EVENTS_TEST_REAL_KAFKA/kafka.sh" kill >/dev/null 2>&1 || true
    rm -rf "$dir"
  done
}
